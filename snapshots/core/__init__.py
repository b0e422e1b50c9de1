"""The pure domain core: narratives, changes and how they are compared and worded. No sqlite, network or clock."""
