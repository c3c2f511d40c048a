-- The visible-shows reads: `guild_id = ? OR (guild_id IS NULL AND not hidden)`, answered by index
-- (see ../0005_show_guild_index.sql).
CREATE INDEX show_guild ON show (guild_id);
