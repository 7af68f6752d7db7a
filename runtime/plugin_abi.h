/* The binary interface between saker and Falco plugins (plugin API 3.x):
 * the structures and constants a plugin library exchanges with its owner,
 * laid out exactly as plugins compiled against Falco's API expect them
 * (LP64; packed where the API packs). Written from the published layout;
 * the compile-time checks at the bottom pin every offset plugins depend on.
 * The functions a plugin exports are listed in plugin_syms.def. Prefix pa_
 * (plugin ABI); constants PA_. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* The API version saker implements: plugins asking for 3.x.y with x.y at or
 * below it load. */
#define PA_API_MAJOR 3
#define PA_API_MINOR 12
#define PA_API_PATCH 0
#define PA_API_VERSION_STR "3.12.0"

/* Longest error text a plugin hands back, terminator included. */
#define PA_MAX_ERRLEN 1024

/* A boolean as plugins see it: 4 bytes. */
typedef uint32_t pa_bool;

/* Result codes. */
enum pa_rc {
	PA_SUCCESS = 0,
	PA_FAILURE = 1,
	PA_TIMEOUT = -1,
	PA_EOF = 2,
	PA_NOT_SUPPORTED = 3,
};

/* Types of extracted fields (the numbers are the PT_* of the event schema). */
enum pa_field_type {
	PA_FT_UINT64 = 8,
	PA_FT_STRING = 9,
	PA_FT_RELTIME = 20,
	PA_FT_ABSTIME = 21,
	PA_FT_BOOL = 25,
	PA_FT_IPADDR = 40,
	PA_FT_IPNET = 41,
};

/* What get_init_schema says its schema is written in. */
enum pa_schema_type {
	PA_SCHEMA_NONE = 0,
	PA_SCHEMA_JSON = 1,
};

/* Types of the values of state tables. */
enum pa_state_type {
	PA_ST_INT8 = 1,
	PA_ST_INT16 = 2,
	PA_ST_INT32 = 3,
	PA_ST_INT64 = 4,
	PA_ST_UINT8 = 5,
	PA_ST_UINT16 = 6,
	PA_ST_UINT32 = 7,
	PA_ST_UINT64 = 8,
	PA_ST_STRING = 9,
	PA_ST_TABLE = 10,
	PA_ST_BOOL = 25,
};

enum pa_log_sev {
	PA_LOG_FATAL = 1,
	PA_LOG_CRITICAL = 2,
	PA_LOG_ERROR = 3,
	PA_LOG_WARNING = 4,
	PA_LOG_NOTICE = 5,
	PA_LOG_INFO = 6,
	PA_LOG_DEBUG = 7,
	PA_LOG_TRACE = 8,
};

enum pa_metric_value_type {
	PA_MV_U32 = 0,
	PA_MV_S32 = 1,
	PA_MV_U64 = 2,
	PA_MV_S64 = 3,
	PA_MV_D = 4,
	PA_MV_F = 5,
	PA_MV_I = 6,
};

enum pa_metric_type {
	PA_METRIC_MONOTONIC = 0,
	PA_METRIC_NON_MONOTONIC = 1,
};

/* The header of an event handed across: the PPM record header. */
struct pa_event {
	uint64_t ts;		/* ns since the epoch; UINT64_MAX: the owner sets it */
	uint64_t tid;		/* UINT64_MAX: no thread */
	uint32_t len;		/* whole record */
	uint16_t type;
	uint32_t nparams;
} __attribute__((packed));

/* An event the owner hands to a plugin. */
struct pa_event_input {
	const struct pa_event *evt;
	uint64_t evtnum;
	const char *evtsrc;
};

struct pa_byte_buffer {
	uint32_t len;
	const void *ptr;
};

struct pa_extract_value_offsets {
	uint32_t *start;
	uint32_t *length;
};

/* One field to extract: the request (field_id .. flist) and the answer
 * (res, res_len), whose memory the plugin owns until its next call. */
struct pa_extract_field {
	union {
		const char **str;
		uint64_t *u64;
		uint32_t *u32;
		pa_bool *boolean;
		struct pa_byte_buffer *buf;
	} res;
	uint64_t res_len;
	uint32_t field_id;
	const char *field;
	const char *arg_key;
	uint64_t arg_index;
	pa_bool arg_present;
	uint32_t ftype;
	pa_bool flist;
};

/* Opaque handles of the table API. */
typedef void pa_table_t;
typedef void pa_table_entry_t;
typedef void pa_table_field_t;
typedef void pa_owner_t;
typedef void pa_plugin_t;
typedef void pa_instance_t;

union pa_state_data {
	int8_t s8;
	int16_t s16;
	int32_t s32;
	int64_t s64;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const char *str;
	pa_bool b;
	pa_table_t *table;
};

struct pa_table_info {
	const char *name;
	uint32_t key_type;	/* enum pa_state_type */
};

struct pa_table_fieldinfo {
	const char *name;
	uint32_t field_type;	/* enum pa_state_type */
	pa_bool read_only;
};

typedef void pa_table_iter_state_t;
typedef pa_bool (*pa_table_iter_fn)(pa_table_iter_state_t *s, pa_table_entry_t *e);

/* The field vtable (the first form, kept by the API beside the extended
 * one, has the same three functions). */
struct pa_fields_vt {
	const struct pa_table_fieldinfo *(*list_table_fields)(pa_table_t *t, uint32_t *nfields);
	pa_table_field_t *(*get_table_field)(pa_table_t *t, const char *name, uint32_t type);
	pa_table_field_t *(*add_table_field)(pa_table_t *t, const char *name, uint32_t type);
};

/* The reader vtable's first form: the first four functions of the
 * extended one. */
struct pa_reader_vt_v0 {
	const char *(*get_table_name)(pa_table_t *t);
	uint64_t (*get_table_size)(pa_table_t *t);
	pa_table_entry_t *(*get_table_entry)(pa_table_t *t, const union pa_state_data *key);
	int32_t (*read_entry_field)(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
				     union pa_state_data *out);
};

struct pa_reader_vt {
	const char *(*get_table_name)(pa_table_t *t);
	uint64_t (*get_table_size)(pa_table_t *t);
	pa_table_entry_t *(*get_table_entry)(pa_table_t *t, const union pa_state_data *key);
	int32_t (*read_entry_field)(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
				     union pa_state_data *out);
	void (*release_table_entry)(pa_table_t *t, pa_table_entry_t *e);
	pa_bool (*iterate_entries)(pa_table_t *t, pa_table_iter_fn it, pa_table_iter_state_t *s);
};

struct pa_writer_vt {
	int32_t (*clear_table)(pa_table_t *t);
	int32_t (*erase_table_entry)(pa_table_t *t, const union pa_state_data *key);
	pa_table_entry_t *(*create_table_entry)(pa_table_t *t);
	void (*destroy_table_entry)(pa_table_t *t, pa_table_entry_t *e);
	pa_table_entry_t *(*add_table_entry)(pa_table_t *t, const union pa_state_data *key,
					     pa_table_entry_t *e);
	int32_t (*write_entry_field)(pa_table_t *t, pa_table_entry_t *e, const pa_table_field_t *f,
				      const union pa_state_data *in);
};

/* A table as its owner (saker, or the plugin that defines it) describes it. */
struct pa_table_input {
	const char *name;
	uint32_t key_type;
	pa_table_t *table;
	struct pa_reader_vt_v0 reader;
	struct pa_writer_vt writer;
	struct pa_fields_vt fields;
	struct pa_reader_vt *reader_ext;
	struct pa_writer_vt *writer_ext;
	struct pa_fields_vt *fields_ext;
};

struct pa_init_tables_input {
	struct pa_table_info *(*list_tables)(pa_owner_t *o, uint32_t *ntables);
	pa_table_t *(*get_table)(pa_owner_t *o, const char *name, uint32_t key_type);
	int32_t (*add_table)(pa_owner_t *o, const struct pa_table_input *in);
	struct pa_fields_vt fields;
	struct pa_fields_vt *fields_ext;
	struct pa_reader_vt *reader_ext;
	struct pa_writer_vt *writer_ext;
};

typedef void (*pa_log_fn)(pa_owner_t *o, const char *component, const char *msg, uint32_t sev);
typedef const char *(*pa_owner_err_fn)(pa_owner_t *o);

struct pa_init_input {
	const char *config;
	pa_owner_t *owner;
	pa_owner_err_fn get_owner_last_error;
	const struct pa_init_tables_input *tables;
	pa_log_fn log_fn;
};

struct pa_field_extract_input {
	pa_owner_t *owner;
	pa_owner_err_fn get_owner_last_error;
	uint32_t num_fields;
	struct pa_extract_field *fields;
	struct pa_reader_vt_v0 table_reader;
	struct pa_reader_vt *table_reader_ext;
	struct pa_extract_value_offsets *value_offsets;
};

struct pa_event_parse_input {
	pa_owner_t *owner;
	pa_owner_err_fn get_owner_last_error;
	struct pa_reader_vt_v0 table_reader;
	struct pa_writer_vt table_writer;
	struct pa_reader_vt *table_reader_ext;
	struct pa_writer_vt *table_writer_ext;
};

struct pa_set_config_input {
	const char *config;
};

typedef void pa_routine_t;
typedef void pa_routine_state_t;
typedef pa_bool (*pa_routine_fn)(pa_plugin_t *s, pa_routine_state_t *i);

struct pa_routine_vt {
	pa_routine_t *(*subscribe)(pa_owner_t *o, pa_routine_fn f, pa_routine_state_t *i);
	int32_t (*unsubscribe)(pa_owner_t *o, pa_routine_t *r);
};

struct pa_capture_listen_input {
	pa_owner_t *owner;
	struct pa_routine_vt *routine;
	struct pa_reader_vt *table_reader_ext;
	struct pa_writer_vt *table_writer_ext;
	pa_owner_err_fn get_owner_last_error;
};

/* The handler plugins push asynchronous events (and dumped state) with. */
typedef int32_t (*pa_async_handler_fn)(pa_owner_t *o, const struct pa_event *evt, char *err);

union pa_metric_value {
	uint32_t u32;
	int32_t s32;
	uint64_t u64;
	int64_t s64;
	double d;
	float f;
	int i;
};

struct pa_metric {
	const char *name;
	uint32_t type;		/* enum pa_metric_type */
	union pa_metric_value value;
	uint32_t value_type;	/* enum pa_metric_value_type */
};

/* The offset of a plugin event's payload: header, two 4-byte lengths, the
 * plugin id. */
#define PA_PLUGIN_EVENT_PAYLOAD_OFF 38

/* ---- the layout plugins were compiled against (LP64) -------------------- */
_Static_assert(sizeof(struct pa_event) == 26, "pa_event is the PPM header");
_Static_assert(sizeof(struct pa_event_input) == 24, "pa_event_input");
_Static_assert(offsetof(struct pa_extract_field, res_len) == 8, "pa_extract_field");
_Static_assert(offsetof(struct pa_extract_field, field_id) == 16, "pa_extract_field");
_Static_assert(offsetof(struct pa_extract_field, field) == 24, "pa_extract_field");
_Static_assert(offsetof(struct pa_extract_field, arg_index) == 40, "pa_extract_field");
_Static_assert(offsetof(struct pa_extract_field, flist) == 56, "pa_extract_field");
_Static_assert(sizeof(struct pa_extract_field) == 64, "pa_extract_field");
_Static_assert(sizeof(union pa_state_data) == 8, "pa_state_data");
_Static_assert(sizeof(struct pa_table_fieldinfo) == 16, "pa_table_fieldinfo");
_Static_assert(offsetof(struct pa_table_input, table) == 16, "pa_table_input");
_Static_assert(offsetof(struct pa_table_input, writer) == 56, "pa_table_input");
_Static_assert(offsetof(struct pa_table_input, fields) == 104, "pa_table_input");
_Static_assert(offsetof(struct pa_table_input, reader_ext) == 128, "pa_table_input");
_Static_assert(sizeof(struct pa_table_input) == 152, "pa_table_input");
_Static_assert(offsetof(struct pa_init_tables_input, fields_ext) == 48, "pa_init_tables_input");
_Static_assert(sizeof(struct pa_init_tables_input) == 72, "pa_init_tables_input");
_Static_assert(sizeof(struct pa_init_input) == 40, "pa_init_input");
_Static_assert(offsetof(struct pa_field_extract_input, fields) == 24, "pa_field_extract_input");
_Static_assert(offsetof(struct pa_field_extract_input, table_reader_ext) == 64,
	       "pa_field_extract_input");
_Static_assert(sizeof(struct pa_field_extract_input) == 80, "pa_field_extract_input");
_Static_assert(offsetof(struct pa_event_parse_input, table_reader_ext) == 96,
	       "pa_event_parse_input");
_Static_assert(sizeof(struct pa_event_parse_input) == 112, "pa_event_parse_input");
_Static_assert(sizeof(struct pa_capture_listen_input) == 40, "pa_capture_listen_input");
_Static_assert(offsetof(struct pa_metric, value) == 16, "pa_metric");
_Static_assert(sizeof(struct pa_metric) == 32, "pa_metric");
