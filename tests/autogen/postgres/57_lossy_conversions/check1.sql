SELECT amount = 1.24 AND at = '2024-01-02 03:04:06' AND code = 7 AND note = 'kept' FROM prices WHERE id = 1;
