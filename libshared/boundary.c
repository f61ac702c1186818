#include "boundary.h"

#include <string.h>

const sg_boundary_ops *const sg_boundary_all[] = {
	&sg_boundary_lines,
	&sg_boundary_bytes,
	&sg_boundary_utf8,
	&sg_boundary_paragraph,
	&sg_boundary_json,
	&sg_boundary_csv,
	&sg_boundary_sse,
	&sg_boundary_delim,
	&sg_boundary_cdc,
	NULL,
};

const sg_boundary_ops *
sg_boundary_lookup(const char *name)
{
	size_t i;

	for (i = 0; sg_boundary_all[i] != NULL; i++)
		if (strcmp(sg_boundary_all[i]->name, name) == 0)
			return sg_boundary_all[i];
	return NULL;
}
