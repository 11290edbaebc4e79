"""keitai: a members-only social network for Japanese keitai, smartphones and PCs."""
