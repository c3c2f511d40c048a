-- Members own their data (/mydata): scores kept anonymously after a member is forgotten, a
-- member's own settings, moderation records that outlive a forgotten moderator, and servers that
-- removed the bot, kept for RETENTION_DAYS before their data is deleted.

-- Scores of forgotten members who chose to anonymise: the count and sum per episode and server,
-- linked to nobody. episode_tally counts them beside the ratings (triggers below), so averages
-- stay exact; a member's id is never stored here, only how many scores and their sum.
CREATE TABLE anonymous_tally (
    guild_id     INTEGER NOT NULL CHECK (guild_id > 0),
    show_id      INTEGER NOT NULL,
    episode      INTEGER NOT NULL,
    ratings      INTEGER NOT NULL CHECK (typeof(ratings) = 'integer' AND ratings >= 1),
    total_halves INTEGER NOT NULL CHECK (typeof(total_halves) = 'integer' AND total_halves BETWEEN ratings AND 10 * ratings),
    PRIMARY KEY (guild_id, show_id, episode),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
) WITHOUT ROWID;

-- For the foreign-key cascade when an episode is deleted.
CREATE INDEX anonymous_tally_episode ON anonymous_tally (show_id, episode);

-- Scores come from ratings, so they obey the ratings' rule: catalog shows and the server's own.
CREATE TRIGGER anonymous_tally_show_visible_insert
BEFORE INSERT ON anonymous_tally
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id
BEGIN
    SELECT RAISE(ABORT, 'a server can rate only catalog shows and its own');
END;

CREATE TRIGGER anonymous_tally_show_visible_update
BEFORE UPDATE OF guild_id, show_id ON anonymous_tally
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id
BEGIN
    SELECT RAISE(ABORT, 'a server can rate only catalog shows and its own');
END;

CREATE TRIGGER anonymous_tally_insert
AFTER INSERT ON anonymous_tally
BEGIN
    INSERT INTO episode_tally (guild_id, show_id, episode, ratings, total_halves)
    VALUES (NEW.guild_id, NEW.show_id, NEW.episode, NEW.ratings, NEW.total_halves)
    ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
        ratings = ratings + excluded.ratings, total_halves = total_halves + excluded.total_halves;
END;

CREATE TRIGGER anonymous_tally_delete
AFTER DELETE ON anonymous_tally
BEGIN
    DELETE FROM episode_tally
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode AND ratings = OLD.ratings;
    UPDATE episode_tally SET ratings = ratings - OLD.ratings, total_halves = total_halves - OLD.total_halves
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode;
END;

-- Any change (more scores, or a move to a server's copy of a show): out of the old tally, into the new.
CREATE TRIGGER anonymous_tally_update
AFTER UPDATE ON anonymous_tally
BEGIN
    DELETE FROM episode_tally
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode AND ratings = OLD.ratings;
    UPDATE episode_tally SET ratings = ratings - OLD.ratings, total_halves = total_halves - OLD.total_halves
    WHERE guild_id = OLD.guild_id AND show_id = OLD.show_id AND episode = OLD.episode;
    INSERT INTO episode_tally (guild_id, show_id, episode, ratings, total_halves)
    VALUES (NEW.guild_id, NEW.show_id, NEW.episode, NEW.ratings, NEW.total_halves)
    ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
        ratings = ratings + excluded.ratings, total_halves = total_halves + excluded.total_halves;
END;

-- A member's own choices in a server. A member without a row has the defaults.
CREATE TABLE member_setting (
    guild_id           INTEGER NOT NULL CHECK (guild_id > 0),
    user_id            INTEGER NOT NULL CHECK (user_id > 0),
    -- Keep me out of every list that names members (leaderboards, comparisons).
    hide_from_rankings INTEGER NOT NULL DEFAULT 0 CHECK (hide_from_rankings IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- A moderator who asked to be forgotten leaves their removals on record without their id:
-- moderator_id becomes nullable. SQLite cannot drop a NOT NULL in place, so the table is rebuilt
-- with the same rows (ids included) and indexes.
CREATE TABLE comment_removal_new (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL CHECK (guild_id > 0),
    show_id      INTEGER NOT NULL,
    episode      INTEGER NOT NULL,
    author_id    INTEGER NOT NULL CHECK (author_id > 0),
    -- NULL: a moderator who has since been forgotten.
    moderator_id INTEGER CHECK (moderator_id IS NULL OR moderator_id > 0),
    comment      TEXT NOT NULL CHECK (length(comment) BETWEEN 1 AND 1000),
    reason       TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    removed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
);
INSERT INTO comment_removal_new (id, guild_id, show_id, episode, author_id, moderator_id, comment, reason, removed_at)
SELECT id, guild_id, show_id, episode, author_id, moderator_id, comment, reason, removed_at FROM comment_removal;
DROP TABLE comment_removal;
ALTER TABLE comment_removal_new RENAME TO comment_removal;
CREATE INDEX comment_removal_guild ON comment_removal (guild_id, removed_at);
CREATE INDEX comment_removal_episode ON comment_removal (show_id, episode);
-- Forgetting a member finds their removal records, as author and as moderator.
CREATE INDEX comment_removal_author ON comment_removal (guild_id, author_id);
CREATE INDEX comment_removal_moderator ON comment_removal (guild_id, moderator_id) WHERE moderator_id IS NOT NULL;

-- Servers that removed the bot (GUILD_DELETE that was not an outage), and when. Their data is
-- kept for RETENTION_DAYS, then deleted; a server that adds the bot back is taken off the list.
CREATE TABLE guild_departure (
    guild_id    INTEGER PRIMARY KEY CHECK (guild_id > 0),
    departed_at TEXT NOT NULL CHECK (length(departed_at) = 24)
);
CREATE INDEX guild_departure_at ON guild_departure (departed_at);
