/* utf8.h: where a UTF-8 stream may be cut.
 *
 * A "character" is a complete, valid UTF-8 sequence (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF). Any other byte is a unit of its
 * own, so invalid input passes through untouched, one byte at a time. A cut
 * is safe at p when no character starts before p and ends after it.
 */
#ifndef SG_UTF8_H
#define SG_UTF8_H

#include <stddef.h>

/* Length of the unit at buf[0..len): 1..4 for a complete character, 1 for an
 * invalid byte, and 0 when buf holds only the valid start of a character
 * that continues past len (more input is needed to decide). */
size_t sg_utf8_unit(const unsigned char *buf, size_t len);

/* The largest p <= len that is a safe cut, assuming buf[0] starts a unit.
 * Unless eof, a character that starts before len but may continue past it
 * is left for the next cut. Returns 0 only when no cut is possible yet. */
size_t sg_utf8_cut(const unsigned char *buf, size_t len, int eof);

/* The same, with avail >= len bytes readable at buf: the bytes past len
 * settle whether a sequence that straddles len is a character or invalid
 * bytes. eof means the input ends at avail. */
size_t sg_utf8_cut_ahead(const unsigned char *buf, size_t len, size_t avail, int eof);

/* Whether buf[0..len) is entirely valid UTF-8 (in the sense above). */
int sg_utf8_valid(const void *buf, size_t len);

#endif
