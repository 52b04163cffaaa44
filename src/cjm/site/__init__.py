"""The portfolio site (``cjm site``): every map of a project as static pages.

Pure: builds pages in memory from map summaries, the catalogues and metrics
snapshots (``cjm.pipeline.site`` reads, checks, draws and writes). Uses the
renderers (``cjm.render``: each map's interactive page), the diff's gap view
(``cjm.authoring``), the one vocabulary and escapers (``cjm.present``) and the
model; nothing below it imports it.

    summary     what the site keeps of one map (what the manifest stores)
    portfolio   every map and what connects them: pages, personas, pairs…
    backlog     opportunities and actions across maps, scored
    charts      emotion curves, KPI history: plain geometry
    search      the search index
    links       relative links, and the link checker of --check
    mappage     a map's page: the rendered HTML with the site's bar
    pages       every other page, from the templates in site/templates
"""
