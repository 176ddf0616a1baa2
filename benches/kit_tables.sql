-- The benchmark kit's two files as PostgreSQL tables (benches/postgres.sh and the
-- --in-database test load the kit's CSV files into them).
CREATE SCHEMA kit;
CREATE TABLE kit.customers (customer_id integer, gender text, age integer, education text,
  income double precision, marital_status text, children integer, city text, country text,
  urbanicity text, density integer, climate text, lifestyle text, social_class text,
  benefit_sought text, signup_date date);
CREATE TABLE kit.orders (order_id integer, customer_id integer, order_date date,
  product text, category text, quantity integer, discount double precision,
  amount double precision, channel text);
