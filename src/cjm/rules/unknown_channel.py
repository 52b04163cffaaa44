"""CJM303 unknown-channel."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import touchpoints
from cjm.rules import RuleContext, Yielded, known_ids, rule, suggest


@rule("CJM303")
def unknown_channel(ctx: RuleContext) -> Iterator[Yielded]:
    """A touchpoint names a channel that neither the map nor a catalogue defines.

    Bad:
        channels:
          - id: web
            name: Website
        ...
              - id: home
                name: Home page
                channel: website

    Good:
        ...
              - id: home
                name: Home page
                channel: web
    """
    known = known_ids("channel", ctx, ctx.model.channels)
    for path, _stage, tp in touchpoints(ctx.model):
        if tp.channel is not None and tp.channel not in known:
            yield path + ("channel",), f"touchpoint '{tp.id}' names unknown channel '{tp.channel}'", \
                suggest(tp.channel, known) or "define it under `channels:` or in a catalogue"
