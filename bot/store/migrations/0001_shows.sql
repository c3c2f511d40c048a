-- Shows and their episodes.
-- One show is one season, as MyDramaList lists them. A show either belongs to the
-- bundled catalog (guild_id IS NULL: visible to every server, read-only for them)
-- or to one server (guild_id = that server's id).
-- Scores are whole numbers of half points so that 3.5 stays exactly 3.5.

CREATE TABLE show (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER CHECK (guild_id IS NULL OR guild_id > 0),
    catalog_key    TEXT CHECK (catalog_key IS NULL OR (guild_id IS NULL AND length(catalog_key) BETWEEN 1 AND 64)),
    title          TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    -- casefolded title, written by the store: uniqueness must ignore case in every script
    title_key      TEXT NOT NULL CHECK (length(title_key) BETWEEN 1 AND 100),
    original_title TEXT CHECK (original_title IS NULL OR length(original_title) BETWEEN 1 AND 100),
    kind           TEXT CHECK (kind IS NULL OR length(kind) BETWEEN 1 AND 50),
    year           INTEGER CHECK (year IS NULL OR year BETWEEN 1900 AND 2100),
    network        TEXT CHECK (network IS NULL OR length(network) BETWEEN 1 AND 50),
    season         INTEGER NOT NULL DEFAULT 1 CHECK (season BETWEEN 1 AND 100),
    episode_count  INTEGER NOT NULL CHECK (episode_count BETWEEN 1 AND 500),
    verdict_halves INTEGER CHECK (verdict_halves IS NULL OR verdict_halves BETWEEN 0 AND 20),
    verdict_text   TEXT CHECK (verdict_text IS NULL OR length(verdict_text) <= 1000),
    summary        TEXT CHECK (summary IS NULL OR length(summary) <= 2000),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX show_catalog_key ON show (catalog_key) WHERE catalog_key IS NOT NULL;
CREATE UNIQUE INDEX show_catalog_title ON show (title_key) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX show_guild_title ON show (guild_id, title_key) WHERE guild_id IS NOT NULL;

-- Other names members may type: romanisations, English titles, abbreviations.
CREATE TABLE show_alias (
    show_id   INTEGER NOT NULL REFERENCES show (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL CHECK (length(alias) BETWEEN 1 AND 100),
    alias_key TEXT NOT NULL CHECK (length(alias_key) BETWEEN 1 AND 100),
    PRIMARY KEY (show_id, alias_key)
);

CREATE TABLE episode (
    show_id       INTEGER NOT NULL REFERENCES show (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL CHECK (number >= 1),
    title         TEXT CHECK (title IS NULL OR length(title) BETWEEN 1 AND 100),
    critic_halves INTEGER CHECK (critic_halves IS NULL OR critic_halves BETWEEN 0 AND 10),
    summary       TEXT CHECK (summary IS NULL OR length(summary) <= 2000),
    PRIMARY KEY (show_id, number)
);

-- An episode number must lie inside its show: a CHECK cannot look at another table.
CREATE TRIGGER episode_number_in_show_insert
BEFORE INSERT ON episode
WHEN NEW.number > (SELECT episode_count FROM show WHERE id = NEW.show_id)
BEGIN
    SELECT RAISE(ABORT, 'episode number beyond the show''s episode count');
END;

CREATE TRIGGER episode_number_in_show_update
BEFORE UPDATE OF number, show_id ON episode
WHEN NEW.number > (SELECT episode_count FROM show WHERE id = NEW.show_id)
BEGIN
    SELECT RAISE(ABORT, 'episode number beyond the show''s episode count');
END;

CREATE TRIGGER show_keeps_its_episodes
BEFORE UPDATE OF episode_count ON show
WHEN EXISTS (SELECT 1 FROM episode WHERE show_id = NEW.id AND number > NEW.episode_count)
BEGIN
    SELECT RAISE(ABORT, 'episode count below an existing episode');
END;
