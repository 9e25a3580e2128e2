"""The tower's sections, one module each: ``build(viewer) -> Section | None``."""
