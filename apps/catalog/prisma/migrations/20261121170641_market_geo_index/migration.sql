-- Nearby markets: a GiST index on each market's point on the earth (cube + earthdistance), so a
-- radius query is an index box search ordered by distance (KNN) instead of a scan of every market.
-- An expression index Prisma's schema cannot declare; Prisma leaves it alone when it diffs.
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;

CREATE INDEX "markets_earth_idx" ON "markets" USING gist (ll_to_earth("lat", "lng"));
