/* revorder - placeholder until the foundation lands. */
int main(void) { return 0; }
