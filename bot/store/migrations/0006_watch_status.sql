-- How far each member has watched each show in a server, and the server's spoiler settings.
-- The spoiler guard reads one row by primary key per command, so the row holds everything it
-- needs: the status, the last episode watched, and whether the member chose the status (then a
-- rating moves the progress but leaves the status alone).

CREATE TABLE watch (
    guild_id      INTEGER NOT NULL CHECK (guild_id > 0),
    show_id       INTEGER NOT NULL REFERENCES show (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL CHECK (user_id > 0),
    status        TEXT NOT NULL CHECK (status IN ('watching', 'completed', 'plan-to-watch', 'on-hold', 'dropped')),
    -- Watched up to this episode (0: not started). The upper bound is the show's episode count,
    -- another table's column: the store checks it in the write, and clamps it when a run shrinks.
    progress      INTEGER NOT NULL CHECK (typeof(progress) = 'integer' AND progress >= 0),
    -- 1: the member chose the status (/watch); 0: the bot derived it from ratings and progress.
    status_chosen INTEGER NOT NULL DEFAULT 0 CHECK (status_chosen IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, show_id, user_id)
) WITHOUT ROWID;

-- A member's watchlist in a server (/mywatchlist, /mydata).
CREATE INDEX watch_member ON watch (guild_id, user_id, show_id);
-- For the foreign-key cascade when a show is deleted.
CREATE INDEX watch_show ON watch (show_id);

-- A server can follow the catalog's shows and its own, never another server's.
CREATE TRIGGER watch_show_visible_insert
BEFORE INSERT ON watch
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id
BEGIN
    SELECT RAISE(ABORT, 'a server can follow only catalog shows and its own');
END;

CREATE TRIGGER watch_show_visible_update
BEFORE UPDATE OF guild_id, show_id ON watch
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id
BEGIN
    SELECT RAISE(ABORT, 'a server can follow only catalog shows and its own');
END;

-- The spoiler guard (on unless the server's admins switch it off) and whether /score show
-- hides the titles of episodes a member has not reached ('show' or 'hide').
ALTER TABLE guild_setting ADD COLUMN spoiler_guard INTEGER NOT NULL DEFAULT 1 CHECK (spoiler_guard IN (0, 1));
ALTER TABLE guild_setting ADD COLUMN spoiler_titles TEXT NOT NULL DEFAULT 'show' CHECK (spoiler_titles IN ('show', 'hide'));
