-- Member ratings of episodes, a running tally per server and episode, and a record of
-- comments removed by moderators.
-- Ratings belong to one server: the same member rating the same catalog episode in two
-- servers has two independent ratings, and a server's averages count only its own.

CREATE TABLE rating (
    guild_id     INTEGER NOT NULL CHECK (guild_id > 0),
    show_id      INTEGER NOT NULL,
    episode      INTEGER NOT NULL,
    user_id      INTEGER NOT NULL CHECK (user_id > 0),
    -- Members rate 0.5–5 in half steps, i.e. 1–10 halves. typeof() because INTEGER
    -- affinity would keep 5.5 as a REAL and quietly break exact averages.
    halves INTEGER NOT NULL CHECK (typeof(halves) = 'integer' AND halves BETWEEN 1 AND 10),
    comment      TEXT CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    -- "Contains spoilers", ticked in the modal; it describes the comment, so none without one.
    spoiler      INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    -- The member's display name when they wrote it: the bot keeps no member cache to ask later.
    author_name  TEXT NOT NULL CHECK (length(author_name) BETWEEN 1 AND 100),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, show_id, episode, user_id),
    -- Every show has one episode row per number, so this also keeps the episode inside the
    -- show's run; shortening a run or deleting a show takes its ratings with it.
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE,
    CONSTRAINT spoiler_needs_comment CHECK (spoiler = 0 OR comment IS NOT NULL)
);

-- A server's comments on an episode, newest first: the index ends in the implicit rowid, so
-- ORDER BY updated_at DESC, rowid DESC is read straight off it; counting uses it too.
CREATE INDEX rating_comments ON rating (guild_id, show_id, episode, updated_at) WHERE comment IS NOT NULL;
-- A member's own ratings in a server (/myratings), for every show or one.
CREATE INDEX rating_member ON rating (guild_id, user_id, show_id, episode);
-- Deleting an episode looks its ratings up by (show_id, episode) for the cascade; without
-- this index each deleted episode would scan every rating of every server.
CREATE INDEX rating_episode ON rating (show_id, episode);

-- A server can rate the catalog's shows and its own, never another server's.
CREATE TRIGGER rating_show_visible_insert
BEFORE INSERT ON rating
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id
BEGIN
    SELECT RAISE(ABORT, 'a server can rate only catalog shows and its own');
END;

CREATE TRIGGER rating_show_visible_update
BEFORE UPDATE OF guild_id, show_id ON rating
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id
BEGIN
    SELECT RAISE(ABORT, 'a server can rate only catalog shows and its own');
END;

-- Count and sum of the ratings of one episode in one server, so an average is one primary-key
-- lookup however many ratings there are. Only the triggers below write it. A row exists
-- exactly while the episode has at least one rating in that server (no zero rows), and the
-- sum must lie between 1 and 10 halves per rating, which catches most drift.
CREATE TABLE episode_tally (
    guild_id     INTEGER NOT NULL,
    show_id      INTEGER NOT NULL,
    episode      INTEGER NOT NULL,
    ratings      INTEGER NOT NULL CHECK (ratings >= 1),
    total_halves INTEGER NOT NULL CHECK (total_halves BETWEEN ratings AND 10 * ratings),
    PRIMARY KEY (guild_id, show_id, episode),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
) WITHOUT ROWID;

-- For the foreign-key cascade when an episode is deleted, as for rating.
CREATE INDEX episode_tally_episode ON episode_tally (show_id, episode);

-- The tally triggers. Note for hand maintenance: INSERT OR REPLACE / UPDATE OR REPLACE on
-- rating delete the old row without firing rating_tally_delete unless PRAGMA
-- recursive_triggers is ON (the store turns it on); do not use REPLACE without it.
CREATE TRIGGER rating_tally_insert
AFTER INSERT ON rating
BEGIN
    INSERT INTO episode_tally (guild_id, show_id, episode, ratings, total_halves)
    VALUES (NEW.guild_id, NEW.show_id, NEW.episode, 1, NEW.halves)
    ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
        ratings = ratings + 1, total_halves = total_halves + excluded.total_halves;
END;

CREATE TRIGGER rating_tally_delete
AFTER DELETE ON rating
BEGIN
    -- The last rating takes the row with it; otherwise one fewer.
    DELETE FROM episode_tally
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode AND ratings = 1;
    UPDATE episode_tally SET ratings = ratings - 1, total_halves = total_halves - OLD.halves
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode;
END;

-- A new score for the same episode (the common re-rate): one row changes in place.
CREATE TRIGGER rating_tally_rescore
AFTER UPDATE OF halves ON rating
WHEN OLD.guild_id = NEW.guild_id AND OLD.show_id = NEW.show_id AND OLD.episode = NEW.episode
BEGIN
    UPDATE episode_tally SET total_halves = total_halves - OLD.halves + NEW.halves
    WHERE guild_id = NEW.guild_id AND show_id = NEW.show_id AND episode = NEW.episode;
END;

-- A rating moved to another server or episode (never done by the bot, but possible by
-- hand): out of the old tally, into the new one, as a delete followed by an insert.
CREATE TRIGGER rating_tally_move
AFTER UPDATE OF guild_id, show_id, episode ON rating
WHEN OLD.guild_id <> NEW.guild_id OR OLD.show_id <> NEW.show_id OR OLD.episode <> NEW.episode
BEGIN
    DELETE FROM episode_tally
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode AND ratings = 1;
    UPDATE episode_tally SET ratings = ratings - 1, total_halves = total_halves - OLD.halves
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode;
    INSERT INTO episode_tally (guild_id, show_id, episode, ratings, total_halves)
    VALUES (NEW.guild_id, NEW.show_id, NEW.episode, 1, NEW.halves)
    ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
        ratings = ratings + 1, total_halves = total_halves + excluded.total_halves;
END;

-- A moderator removed a member's comment: the comment text is kept here for review while
-- the rating keeps its score. Records go with their episode, like the ratings themselves.
CREATE TABLE comment_removal (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL CHECK (guild_id > 0),
    show_id      INTEGER NOT NULL,
    episode      INTEGER NOT NULL,
    author_id    INTEGER NOT NULL CHECK (author_id > 0),
    moderator_id INTEGER NOT NULL CHECK (moderator_id > 0),
    comment      TEXT NOT NULL CHECK (length(comment) BETWEEN 1 AND 1000),
    reason       TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    removed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
);

-- A server's removals, newest first (the implicit id breaks ties).
CREATE INDEX comment_removal_guild ON comment_removal (guild_id, removed_at);
-- For the foreign-key cascade when an episode is deleted.
CREATE INDEX comment_removal_episode ON comment_removal (show_id, episode);
