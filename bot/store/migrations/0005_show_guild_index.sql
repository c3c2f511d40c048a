-- "Which shows can this server see" is `guild_id = ? OR (guild_id IS NULL AND not hidden)`. The
-- unique indexes on show are partial, so SQLite could not serve that OR from them and scanned the
-- whole table on every /score: 20,000 rows on a bot in 1,000 servers. With a plain index on
-- guild_id it answers both halves by index (EXPLAIN QUERY PLAN: MULTI-INDEX OR).
CREATE INDEX show_guild ON show (guild_id);
