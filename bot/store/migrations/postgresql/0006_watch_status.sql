-- Watch status and progress, and the servers' spoiler settings: PostgreSQL's form of
-- ../0006_watch_status.sql.

CREATE TABLE watch (
    guild_id      BIGINT NOT NULL CHECK (guild_id > 0),
    show_id       BIGINT NOT NULL REFERENCES show (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL CHECK (user_id > 0),
    status        TEXT COLLATE "C" NOT NULL CHECK (status IN ('watching', 'completed', 'plan-to-watch', 'on-hold', 'dropped')),
    progress      INTEGER NOT NULL CHECK (progress >= 0),
    status_chosen INTEGER NOT NULL DEFAULT 0 CHECK (status_chosen IN (0, 1)),
    created_at    TEXT COLLATE "C" NOT NULL DEFAULT dramabot_now(),
    updated_at    TEXT COLLATE "C" NOT NULL DEFAULT dramabot_now(),
    PRIMARY KEY (guild_id, show_id, user_id)
);

CREATE INDEX watch_member ON watch (guild_id, user_id, show_id);
CREATE INDEX watch_show ON watch (show_id);

CREATE FUNCTION watch_show_visible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT guild_id FROM show WHERE id = NEW.show_id) <> NEW.guild_id THEN
        RAISE EXCEPTION 'a server can follow only catalog shows and its own' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER watch_show_visible_insert BEFORE INSERT ON watch
FOR EACH ROW EXECUTE FUNCTION watch_show_visible();

CREATE TRIGGER watch_show_visible_update BEFORE UPDATE OF guild_id, show_id ON watch
FOR EACH ROW EXECUTE FUNCTION watch_show_visible();

ALTER TABLE guild_setting ADD COLUMN spoiler_guard INTEGER NOT NULL DEFAULT 1 CHECK (spoiler_guard IN (0, 1));
ALTER TABLE guild_setting ADD COLUMN spoiler_titles TEXT COLLATE "C" NOT NULL DEFAULT 'show' CHECK (spoiler_titles IN ('show', 'hide'));
