-- Per-server settings chosen by the server's admins.
-- A server without a row has the defaults: no default show, no curator role.

CREATE TABLE guild_setting (
    guild_id        INTEGER PRIMARY KEY CHECK (guild_id > 0),
    -- The show commands use when a member names none. Deleting the show clears it.
    default_show_id INTEGER REFERENCES show (id) ON DELETE SET NULL,
    -- Members with this role may manage the server's shows beside its admins.
    curator_role_id INTEGER CHECK (curator_role_id IS NULL OR curator_role_id > 0)
);

-- For the foreign key's ON DELETE SET NULL when a show is deleted, and for the trigger on show
-- below: without it each deleted show would scan every server's settings.
CREATE INDEX guild_setting_default_show ON guild_setting (default_show_id) WHERE default_show_id IS NOT NULL;

-- A default show must be one the server can see: the catalog's or its own, never another
-- server's. (A show that does not exist at all is refused by the foreign key.)
CREATE TRIGGER guild_setting_default_visible_insert
BEFORE INSERT ON guild_setting
WHEN NEW.default_show_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM show WHERE id = NEW.default_show_id AND guild_id <> NEW.guild_id)
BEGIN
    SELECT RAISE(ABORT, 'a default show must be a catalog show or the server''s own');
END;

CREATE TRIGGER guild_setting_default_visible_update
BEFORE UPDATE OF guild_id, default_show_id ON guild_setting
WHEN NEW.default_show_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM show WHERE id = NEW.default_show_id AND guild_id <> NEW.guild_id)
BEGIN
    SELECT RAISE(ABORT, 'a default show must be a catalog show or the server''s own');
END;

-- The same rule seen from the show: it cannot move away from a server that has it as default
-- (the bot never moves shows, but a hand edit could).
CREATE TRIGGER show_stays_visible_as_default
BEFORE UPDATE OF guild_id ON show
WHEN NEW.guild_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM guild_setting WHERE default_show_id = NEW.id AND guild_id <> NEW.guild_id)
BEGIN
    SELECT RAISE(ABORT, 'a server has this show as its default; it must stay visible there');
END;
