-- A CHECK that names its own table: the rebuild's new table must too.
CREATE TABLE "Stock" (id INTEGER PRIMARY KEY, qty INTEGER CHECK (stock.qty >= 0), note TEXT,
    CHECK ("Stock".note IS NULL OR length(main.Stock.note) < 20));
