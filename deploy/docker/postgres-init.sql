-- Runs once, when the postgres container initialises an empty data directory: one database per service.
CREATE DATABASE identity;
CREATE DATABASE membership;
CREATE DATABASE billing;
CREATE DATABASE notification;
