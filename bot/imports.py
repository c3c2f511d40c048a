"""What an import with ``replace`` writes, and what it changes: pure functions, no I/O.

A file carries only some of a show (a review page has no summary, aliases, network, year,
verdict text, episode titles or summaries). :func:`merge` keeps every field the file does not
set; :func:`changes` lists what the merged show changes, for the preview the admin confirms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.showfile import Upload
from bot.store import SHOW_FIELDS, EpisodeSpec, ShowSpec


def merge(current: ShowSpec, upload: Upload) -> ShowSpec:
    """``current`` with every show and episode field that ``upload`` sets taken from it."""
    new = upload.spec
    show_values = {name: getattr(new, name) for name in SHOW_FIELDS if name in upload.fields}
    merged = replace(current, key=None, **show_values)
    given = {episode.number: episode for episode in new.episodes}
    old = {episode.number: episode for episode in current.episodes}
    episodes = []
    for number in range(1, merged.episode_count + 1):
        base = old.get(number, EpisodeSpec(number=number))
        sets = upload.episode_fields.get(number, frozenset())
        source = given.get(number, EpisodeSpec(number=number))
        values = {
            name: getattr(source, name) for name in ("title", "critic_score", "summary") if name in sets
        }
        episodes.append(replace(base, **values))
    return replace(merged, episodes=tuple(episodes)).normalised()


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str  # a ShowSpec field
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class ImportChanges:
    """What replacing ``current`` by ``new`` changes, field by field and episode by episode."""

    fields: tuple[FieldChange, ...]
    scores_changed: int  # episodes whose critic score changes to another score
    scores_added: int  # episodes that get a critic score they did not have
    scores_removed: int  # critic scores that go (cleared, or on episodes past the new run)
    titles_changed: int  # episode titles set, changed or cleared
    summaries_changed: int  # episode summaries set, changed or cleared

    @property
    def nothing(self) -> bool:
        return not (
            self.fields
            or self.scores_changed
            or self.scores_added
            or self.scores_removed
            or self.titles_changed
            or self.summaries_changed
        )


def changes(current: ShowSpec, new: ShowSpec) -> ImportChanges:
    fields = tuple(
        FieldChange(name, getattr(current, name), getattr(new, name))
        for name in SHOW_FIELDS
        if _comparable(getattr(current, name)) != _comparable(getattr(new, name))
    )
    old = {episode.number: episode for episode in current.episodes}
    now = {episode.number: episode for episode in new.episodes}
    changed = added = removed = titles = summaries = 0
    for number in sorted(set(old) | set(now)):
        before = old.get(number, EpisodeSpec(number=number))
        after = now.get(number, EpisodeSpec(number=number))
        if before.critic_score != after.critic_score:
            if before.critic_score is None:
                added += 1
            elif after.critic_score is None:
                removed += 1
            else:
                changed += 1
        titles += before.title != after.title
        summaries += before.summary != after.summary
    return ImportChanges(fields, changed, added, removed, titles, summaries)


def _comparable(value: object) -> object:
    return tuple(sorted(value)) if isinstance(value, tuple) else value
