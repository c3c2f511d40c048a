-- A show's identity in a server is its title and season, and a server sees each identity once.
-- A second season is its own show; a server's own show may not take the title and season of a
-- catalog show it can see (typing "Run On" must find one show, not two). A server can hide
-- catalog shows it does not follow, and /show copy hides the catalog original behind the copy.

DROP INDEX show_catalog_title;
DROP INDEX show_guild_title;
CREATE UNIQUE INDEX show_catalog_title ON show (title_key, season) WHERE guild_id IS NULL;
CREATE UNIQUE INDEX show_guild_title ON show (guild_id, title_key, season) WHERE guild_id IS NOT NULL;

-- Catalog shows a server has hidden (by /show hide, or by copying them into the server).
CREATE TABLE guild_hidden_show (
    guild_id  INTEGER NOT NULL CHECK (guild_id > 0),
    show_id   INTEGER NOT NULL REFERENCES show (id) ON DELETE CASCADE,
    hidden_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, show_id)
) WITHOUT ROWID;

-- For the foreign-key cascade when a show is deleted.
CREATE INDEX guild_hidden_show_show ON guild_hidden_show (show_id);

CREATE TRIGGER guild_hidden_show_catalog_only
BEFORE INSERT ON guild_hidden_show
WHEN (SELECT guild_id FROM show WHERE id = NEW.show_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'only catalog shows can be hidden');
END;

-- Unhiding must not put two shows of one title and season in front of the server.
CREATE TRIGGER guild_hidden_show_unhide_keeps_titles_unique
BEFORE DELETE ON guild_hidden_show
WHEN EXISTS (
    SELECT 1 FROM show AS c JOIN show AS o
      ON o.guild_id = OLD.guild_id AND o.title_key = c.title_key AND o.season = c.season
    WHERE c.id = OLD.show_id
)
BEGIN
    SELECT RAISE(ABORT, 'the server has its own show of that title and season');
END;

CREATE TRIGGER show_title_free_of_catalog_insert
BEFORE INSERT ON show
WHEN NEW.guild_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM show AS c
    WHERE c.guild_id IS NULL AND c.title_key = NEW.title_key AND c.season = NEW.season
      AND NOT EXISTS (SELECT 1 FROM guild_hidden_show AS h WHERE h.guild_id = NEW.guild_id AND h.show_id = c.id)
)
BEGIN
    SELECT RAISE(ABORT, 'a catalog show the server can see has this title and season');
END;

CREATE TRIGGER show_title_free_of_catalog_update
BEFORE UPDATE OF title_key, season, guild_id ON show
WHEN NEW.guild_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM show AS c
    WHERE c.guild_id IS NULL AND c.title_key = NEW.title_key AND c.season = NEW.season
      AND NOT EXISTS (SELECT 1 FROM guild_hidden_show AS h WHERE h.guild_id = NEW.guild_id AND h.show_id = c.id)
)
BEGIN
    SELECT RAISE(ABORT, 'a catalog show the server can see has this title and season');
END;

-- A hidden catalog show takes no new ratings and cannot be the server's default.
CREATE TRIGGER rating_show_not_hidden_insert
BEFORE INSERT ON rating
WHEN EXISTS (SELECT 1 FROM guild_hidden_show WHERE guild_id = NEW.guild_id AND show_id = NEW.show_id)
BEGIN
    SELECT RAISE(ABORT, 'the server has hidden this show');
END;

CREATE TRIGGER guild_setting_default_not_hidden_insert
BEFORE INSERT ON guild_setting
WHEN NEW.default_show_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM guild_hidden_show WHERE guild_id = NEW.guild_id AND show_id = NEW.default_show_id)
BEGIN
    SELECT RAISE(ABORT, 'the server has hidden this show');
END;

CREATE TRIGGER guild_setting_default_not_hidden_update
BEFORE UPDATE OF guild_id, default_show_id ON guild_setting
WHEN NEW.default_show_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM guild_hidden_show WHERE guild_id = NEW.guild_id AND show_id = NEW.default_show_id)
BEGIN
    SELECT RAISE(ABORT, 'the server has hidden this show');
END;

-- Hiding the default show clears the default, as deleting it does.
CREATE TRIGGER guild_hidden_show_clears_default
AFTER INSERT ON guild_hidden_show
BEGIN
    UPDATE guild_setting SET default_show_id = NULL
    WHERE guild_id = NEW.guild_id AND default_show_id = NEW.show_id;
END;
