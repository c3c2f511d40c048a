-- Members own their data (/mydata): the PostgreSQL twin of migrations/0007_member_data.sql.

-- Scores of forgotten members who chose to anonymise: count and sum per episode and server,
-- linked to nobody; episode_tally counts them beside the ratings, so averages stay exact.
CREATE TABLE anonymous_tally (
    guild_id     BIGINT NOT NULL CHECK (guild_id > 0),
    show_id      BIGINT NOT NULL,
    episode      INTEGER NOT NULL,
    ratings      INTEGER NOT NULL CHECK (ratings >= 1),
    total_halves INTEGER NOT NULL CHECK (total_halves BETWEEN ratings AND 10 * ratings),
    PRIMARY KEY (guild_id, show_id, episode),
    FOREIGN KEY (show_id, episode) REFERENCES episode (show_id, number) ON DELETE CASCADE
);

CREATE INDEX anonymous_tally_episode ON anonymous_tally (show_id, episode);

-- Scores come from ratings, so they obey the ratings' rule: catalog shows and the server's own.
CREATE TRIGGER anonymous_tally_show_visible BEFORE INSERT OR UPDATE OF guild_id, show_id ON anonymous_tally
FOR EACH ROW EXECUTE FUNCTION rating_show_visible();

CREATE FUNCTION tally_add_many(g BIGINT, s BIGINT, e INTEGER, n INTEGER, h INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO episode_tally (guild_id, show_id, episode, ratings, total_halves)
    VALUES (g, s, e, n, h)
    ON CONFLICT (guild_id, show_id, episode) DO UPDATE SET
        ratings = episode_tally.ratings + excluded.ratings,
        total_halves = episode_tally.total_halves + excluded.total_halves;
$$;

CREATE FUNCTION tally_remove_many(g BIGINT, s BIGINT, e INTEGER, n INTEGER, h INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE episode_tally SET ratings = ratings - n, total_halves = total_halves - h
    WHERE guild_id = g AND show_id = s AND episode = e AND ratings > n;
    IF NOT FOUND THEN
        DELETE FROM episode_tally WHERE guild_id = g AND show_id = s AND episode = e AND ratings = n;
    END IF;
END $$;

CREATE FUNCTION anonymous_tally_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM tally_remove_many(OLD.guild_id, OLD.show_id, OLD.episode, OLD.ratings, OLD.total_halves);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM tally_add_many(NEW.guild_id, NEW.show_id, NEW.episode, NEW.ratings, NEW.total_halves);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER anonymous_tally_changed AFTER INSERT OR UPDATE OR DELETE ON anonymous_tally
FOR EACH ROW EXECUTE FUNCTION anonymous_tally_changed();

CREATE TABLE member_setting (
    guild_id           BIGINT NOT NULL CHECK (guild_id > 0),
    user_id            BIGINT NOT NULL CHECK (user_id > 0),
    hide_from_rankings INTEGER NOT NULL DEFAULT 0 CHECK (hide_from_rankings IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
);

-- NULL: a moderator who has since been forgotten.
ALTER TABLE comment_removal ALTER COLUMN moderator_id DROP NOT NULL;
CREATE INDEX comment_removal_author ON comment_removal (guild_id, author_id);
CREATE INDEX comment_removal_moderator ON comment_removal (guild_id, moderator_id) WHERE moderator_id IS NOT NULL;

CREATE TABLE guild_departure (
    guild_id    BIGINT PRIMARY KEY CHECK (guild_id > 0),
    departed_at TEXT COLLATE "C" NOT NULL CHECK (length(departed_at) = 24)
);
CREATE INDEX guild_departure_at ON guild_departure (departed_at);
