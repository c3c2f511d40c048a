-- A show's identity is its title and season; servers can hide catalog shows: PostgreSQL's form of
-- ../0004_show_identity.sql.

DROP INDEX show_catalog_title;
DROP INDEX show_guild_title;
CREATE UNIQUE INDEX show_catalog_title ON show (title_key, season) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX show_guild_title ON show (guild_id, title_key, season) WHERE guild_id IS NOT NULL;

CREATE TABLE guild_hidden_show (
    guild_id  BIGINT NOT NULL CHECK (guild_id > 0),
    show_id   BIGINT NOT NULL REFERENCES show (id) ON DELETE CASCADE,
    hidden_at TEXT COLLATE "C" NOT NULL DEFAULT dramabot_now(),
    PRIMARY KEY (guild_id, show_id)
);

CREATE INDEX guild_hidden_show_show ON guild_hidden_show (show_id);

CREATE FUNCTION guild_hidden_show_catalog_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT guild_id FROM show WHERE id = NEW.show_id) IS NOT NULL THEN
        RAISE EXCEPTION 'only catalog shows can be hidden' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER guild_hidden_show_catalog_only BEFORE INSERT ON guild_hidden_show
FOR EACH ROW EXECUTE FUNCTION guild_hidden_show_catalog_only();

CREATE FUNCTION guild_hidden_show_unhide_keeps_titles_unique() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM show AS c JOIN show AS o
          ON o.guild_id = OLD.guild_id AND o.title_key = c.title_key AND o.season = c.season
        WHERE c.id = OLD.show_id
    ) THEN
        RAISE EXCEPTION 'the server has its own show of that title and season' USING ERRCODE = '23000';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER guild_hidden_show_unhide_keeps_titles_unique BEFORE DELETE ON guild_hidden_show
FOR EACH ROW EXECUTE FUNCTION guild_hidden_show_unhide_keeps_titles_unique();

CREATE FUNCTION show_title_free_of_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.guild_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM show AS c
        WHERE c.guild_id IS NULL AND c.title_key = NEW.title_key AND c.season = NEW.season
          AND NOT EXISTS (SELECT 1 FROM guild_hidden_show AS h WHERE h.guild_id = NEW.guild_id AND h.show_id = c.id)
    ) THEN
        RAISE EXCEPTION 'a catalog show the server can see has this title and season' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER show_title_free_of_catalog_insert BEFORE INSERT ON show
FOR EACH ROW EXECUTE FUNCTION show_title_free_of_catalog();

CREATE TRIGGER show_title_free_of_catalog_update BEFORE UPDATE OF title_key, season, guild_id ON show
FOR EACH ROW EXECUTE FUNCTION show_title_free_of_catalog();

CREATE FUNCTION rating_show_not_hidden() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM guild_hidden_show WHERE guild_id = NEW.guild_id AND show_id = NEW.show_id) THEN
        RAISE EXCEPTION 'the server has hidden this show' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER rating_show_not_hidden_insert BEFORE INSERT ON rating
FOR EACH ROW EXECUTE FUNCTION rating_show_not_hidden();

CREATE FUNCTION guild_setting_default_not_hidden() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.default_show_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM guild_hidden_show WHERE guild_id = NEW.guild_id AND show_id = NEW.default_show_id
    ) THEN
        RAISE EXCEPTION 'the server has hidden this show' USING ERRCODE = '23000';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER guild_setting_default_not_hidden_insert BEFORE INSERT ON guild_setting
FOR EACH ROW EXECUTE FUNCTION guild_setting_default_not_hidden();

CREATE TRIGGER guild_setting_default_not_hidden_update BEFORE UPDATE OF guild_id, default_show_id ON guild_setting
FOR EACH ROW EXECUTE FUNCTION guild_setting_default_not_hidden();

CREATE FUNCTION guild_hidden_show_clears_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE guild_setting SET default_show_id = NULL
    WHERE guild_id = NEW.guild_id AND default_show_id = NEW.show_id;
    RETURN NULL;
END $$;

CREATE TRIGGER guild_hidden_show_clears_default AFTER INSERT ON guild_hidden_show
FOR EACH ROW EXECUTE FUNCTION guild_hidden_show_clears_default();
