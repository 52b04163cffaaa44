"""How cjm shows things to people: one vocabulary (labels, numbers, KPI
status) and one escaper per output context, shared by the renderers, the
diff and the reporters, so that they never disagree."""
