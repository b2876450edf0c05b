/* Word splitting for command lines (grammar/words.l). */
#ifndef IKESH_GRAMMAR_WORDS_H
#define IKESH_GRAMMAR_WORDS_H

enum word_shape {
	SHAPE_WORD = 1,
	SHAPE_QUOTED,
	SHAPE_NUMBER,
	SHAPE_IPV4,
	SHAPE_IPV4PFX,
	SHAPE_IPV6,
	SHAPE_IPV6PFX,
	SHAPE_IFID,
};

struct word {
	int shape;
	int col; /* offset in the line */
	int len;
};

/* Split line into at most max words; returns the count, or -1 if too many. */
int words_split(const char *line, struct word *w, int max);

#endif
