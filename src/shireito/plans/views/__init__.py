"""The plan's pages: one module per part."""
