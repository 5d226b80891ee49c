-- The first start of the Compose PostgreSQL: one database per service (catalog is POSTGRES_DB).
CREATE DATABASE practices OWNER practice_network;
CREATE DATABASE festivals OWNER practice_network;
