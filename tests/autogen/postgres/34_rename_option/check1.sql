SELECT sum(quantity) = 7 FROM items;
