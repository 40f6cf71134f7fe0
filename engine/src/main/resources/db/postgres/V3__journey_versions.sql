-- The journey registry: every version of every journey ever deployed, by name and version. A
-- version is immutable (same name and version, same source); retiring a journey stamps retired_at
-- on its versions instead of deleting them, so a version number is never reused. Every node polls
-- this table (count and latest timestamps) and loads the versions that are not retired.
CREATE TABLE IF NOT EXISTS journey_versions (
  name          VARCHAR(200) NOT NULL,
  version       INTEGER      NOT NULL,
  source        TEXT         NOT NULL,
  source_sha256 VARCHAR(64)  NOT NULL,
  file_name     VARCHAR(1000) NOT NULL,
  deployed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  retired_at    TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (name, version)
);
