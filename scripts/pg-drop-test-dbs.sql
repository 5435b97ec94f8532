-- Drops the per-test databases (coffer_t_*) and their templates
-- (coffer_tpl_*) that a killed test run left behind. Run as the postgres
-- superuser with no test run in progress on this server: WITH (FORCE)
-- disconnects whoever is still connected.
-- A template database cannot be dropped, so it is unmarked first. IF EXISTS: a
-- test run on this machine may drop its own database between the list and the drop.
SELECT format('ALTER DATABASE %I IS_TEMPLATE false', datname)
FROM pg_database
WHERE (datname LIKE 'coffer\_t\_%' OR datname LIKE 'coffer\_tpl\_%') AND datistemplate
\gexec

SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', datname)
FROM pg_database
WHERE datname LIKE 'coffer\_t\_%' OR datname LIKE 'coffer\_tpl\_%'
ORDER BY datname
\gexec
