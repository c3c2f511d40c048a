-- Member ratings, the per-server tally, comment removals: PostgreSQL's form of ../0002_ratings.sql.

CREATE TABLE rating (
    guild_id     BIGINT NOT NULL CHECK (guild_id > 0),
    show_id      BIGINT NOT NULL,
    episode      INTEGER NOT NULL,
    user_id      BIGINT NOT NULL CHECK (user_id > 0),
    -- INTEGER refuses 5.5 outright, as SQLite's typeof() check does.
    halves       INTEGER NOT NULL CHECK (halves BETWEEN 1 AND 10),
    comment      TEXT COLLATE "C" CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    spoiler      INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    author_name  TEXT COLLATE "C" NOT NULL CHECK (length(author_name) BETWEEN 1 AND 100),
    created_at   TEXT COLLATE "C" NOT NULL DEFAULT dramabot_now(),
    updated_at   TEXT COLLATE "C" NOT NULL DEFAULT dramabot_now(),
    -- SQLite's rowid: breaks ties between comments written in the same millisecond. An upsert
    -- keeps it, as it keeps SQLite's rowid.
    seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    PRIMARY KEY (guild_id, show_id, episode, user_id),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE,
    CONSTRAINT spoiler_needs_comment CHECK (spoiler = 0 OR comment IS NOT NULL)
);

CREATE INDEX rating_comments ON rating (guild_id, show_id, episode, updated_at, seq) WHERE comment IS NOT NULL;
CREATE INDEX rating_member ON rating (guild_id, user_id, show_id, episode);
CREATE INDEX rating_episode ON rating (show_id, episode);

CREATE FUNCTION rating_show_visible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id THEN
        RAISE EXCEPTION 'a server can rate only catalog shows and its own' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER rating_show_visible_insert BEFORE INSERT ON rating
FOR EACH ROW EXECUTE FUNCTION rating_show_visible();

CREATE TRIGGER rating_show_visible_update BEFORE UPDATE OF guild_id, show_id ON rating
FOR EACH ROW EXECUTE FUNCTION rating_show_visible();

CREATE TABLE episode_tally (
    guild_id     BIGINT NOT NULL,
    show_id      BIGINT NOT NULL,
    episode      INTEGER NOT NULL,
    ratings      INTEGER NOT NULL CHECK (ratings >= 1),
    total_halves INTEGER NOT NULL CHECK (total_halves BETWEEN ratings AND 10 * ratings),
    PRIMARY KEY (guild_id, show_id, episode),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
);

CREATE INDEX episode_tally_episode ON episode_tally (show_id, episode);

-- The tally triggers. Concurrent transactions stay exact: the insert is one atomic upsert, and a
-- removal first takes one from a row that keeps at least one rating (re-checked by PostgreSQL
-- after waiting for a concurrent writer of that row), else deletes the row holding the last one.
CREATE FUNCTION tally_add(g BIGINT, s BIGINT, e INTEGER, h INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO episode_tally (guild_id, show_id, episode, ratings, total_halves)
    VALUES (g, s, e, 1, h)
    ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
        ratings = episode_tally.ratings + 1, total_halves = episode_tally.total_halves + excluded.total_halves;
$$;

CREATE FUNCTION tally_remove(g BIGINT, s BIGINT, e INTEGER, h INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE episode_tally SET ratings = ratings - 1, total_halves = total_halves - h
    WHERE guild_id = g AND show_id = s AND episode = e AND ratings > 1;
    IF NOT FOUND THEN
        DELETE FROM episode_tally WHERE guild_id = g AND show_id = s AND episode = e AND ratings = 1;
    END IF;
END $$;

CREATE FUNCTION rating_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_add(NEW.guild_id, NEW.show_id, NEW.episode, NEW.halves);
    RETURN NULL;
END $$;

CREATE TRIGGER rating_tally_insert AFTER INSERT ON rating
FOR EACH ROW EXECUTE FUNCTION rating_tally_insert();

CREATE FUNCTION rating_tally_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_remove(OLD.guild_id, OLD.show_id, OLD.episode, OLD.halves);
    RETURN NULL;
END $$;

CREATE TRIGGER rating_tally_delete AFTER DELETE ON rating
FOR EACH ROW EXECUTE FUNCTION rating_tally_delete();

CREATE FUNCTION rating_tally_rescore() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE episode_tally SET total_halves = total_halves - OLD.halves + NEW.halves
    WHERE guild_id = NEW.guild_id AND show_id = NEW.show_id AND episode = NEW.episode;
    RETURN NULL;
END $$;

CREATE TRIGGER rating_tally_rescore AFTER UPDATE OF halves ON rating
FOR EACH ROW WHEN (OLD.guild_id = NEW.guild_id AND OLD.show_id = NEW.show_id AND OLD.episode = NEW.episode)
EXECUTE FUNCTION rating_tally_rescore();

CREATE FUNCTION rating_tally_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_remove(OLD.guild_id, OLD.show_id, OLD.episode, OLD.halves);
    PERFORM tally_add(NEW.guild_id, NEW.show_id, NEW.episode, NEW.halves);
    RETURN NULL;
END $$;

CREATE TRIGGER rating_tally_move AFTER UPDATE OF guild_id, show_id, episode ON rating
FOR EACH ROW WHEN (OLD.guild_id <> NEW.guild_id OR OLD.show_id <> NEW.show_id OR OLD.episode <> NEW.episode)
EXECUTE FUNCTION rating_tally_move();

CREATE TABLE comment_removal (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guild_id     BIGINT NOT NULL CHECK (guild_id > 0),
    show_id      BIGINT NOT NULL,
    episode      INTEGER NOT NULL,
    author_id    BIGINT NOT NULL CHECK (author_id > 0),
    moderator_id BIGINT NOT NULL CHECK (moderator_id > 0),
    comment      TEXT COLLATE "C" NOT NULL CHECK (length(comment) BETWEEN 1 AND 1000),
    reason       TEXT COLLATE "C" CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 200),
    removed_at   TEXT COLLATE "C" NOT NULL DEFAULT dramabot_now(),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
);

CREATE INDEX comment_removal_guild ON comment_removal (guild_id, removed_at);
CREATE INDEX comment_removal_episode ON comment_removal (show_id, episode);
