BEGIN;
UPDATE accounts SET balance = balance + 1 WHERE id = 1;
SELECT count(*) = 1 FROM audit;
ROLLBACK;
