-- Per-server settings: PostgreSQL's form of ../0003_server_settings.sql.

CREATE TABLE guild_setting (
    guild_id        BIGINT PRIMARY KEY CHECK (guild_id > 0),
    default_show_id BIGINT REFERENCES show (id) ON DELETE SET NULL,
    curator_role_id BIGINT CHECK (curator_role_id IS NULL OR curator_role_id > 0)
);

CREATE INDEX guild_setting_default_show ON guild_setting (default_show_id) WHERE default_show_id IS NOT NULL;

CREATE FUNCTION guild_setting_default_visible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.default_show_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM show WHERE id = NEW.default_show_id AND guild_id <> NEW.guild_id) THEN
        RAISE EXCEPTION 'a default show must be a catalog show or the server''s own' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER guild_setting_default_visible_insert BEFORE INSERT ON guild_setting
FOR EACH ROW EXECUTE FUNCTION guild_setting_default_visible();

CREATE TRIGGER guild_setting_default_visible_update BEFORE UPDATE OF guild_id, default_show_id ON guild_setting
FOR EACH ROW EXECUTE FUNCTION guild_setting_default_visible();

CREATE FUNCTION show_stays_visible_as_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.guild_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM guild_setting WHERE default_show_id = NEW.id AND guild_id <> NEW.guild_id) THEN
        RAISE EXCEPTION 'a server has this show as its default; it must stay visible there' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER show_stays_visible_as_default BEFORE UPDATE OF guild_id ON show
FOR EACH ROW EXECUTE FUNCTION show_stays_visible_as_default();
