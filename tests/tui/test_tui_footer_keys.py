"""The footer's keys are let go when it recomposes (each switch of screens): Textual keeps
each key's watcher of the footer until the footer's ``compact`` changes (textual#6666), and
every key ever made stayed alive, the app growing all day."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from assettrack.tui.widgets.footer import Footer


def compact_watchers(footer: Footer) -> list:
    return getattr(footer, "__watchers", {}).get("compact", [])


async def test_switching_screens_keeps_only_the_shown_keys_watching(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(6):
            for key in ("f2", "f5", "f6", "f3"):
                await pilot.press(key)
                await pilot.pause()
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        assert len(keys) > 3
        watching = [node for node, _callback in compact_watchers(footer)]
        assert len(watching) <= len(keys)  # 6 rounds of recomposes left no others behind
        assert set(map(id, watching)) <= set(map(id, keys))
