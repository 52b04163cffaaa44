"""Authoring: what helps people write maps — the formatter (``cjm fmt``), the
diff of two maps, import and export (Mermaid, CSV) and the starters of
``cjm init``. Pure functions on text and models; the pipeline does the I/O."""
