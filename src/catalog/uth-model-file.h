/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A model file on disk, inspected: config.json, tokenizer.json, .safetensors (header only),
 * model.safetensors.index.json, or .gguf. Formats are detected by content. Every parser
 * treats the file as hostile: lengths, counts and offsets are checked against the file size
 * and against overflow before use, sizes are capped, deep JSON is refused. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "core/uth-dtype.h"
#include "core/uth-model.h"

G_BEGIN_DECLS

typedef enum
{
  UTH_MODEL_FILE_HF_CONFIG,          /* Hugging Face config.json */
  UTH_MODEL_FILE_TOKENIZER,          /* Hugging Face tokenizer.json */
  UTH_MODEL_FILE_SAFETENSORS,
  UTH_MODEL_FILE_SAFETENSORS_INDEX,  /* model.safetensors.index.json of a sharded model */
  UTH_MODEL_FILE_GGUF,
} UthModelFileFormat;

/* What the tensors of one data type add up to. */
typedef struct
{
  char    *dtype;     /* as the format names it: "BF16", "F32", "Q4_K" */
  guint64  tensors;
  guint64  params;
  guint64  bytes;
} UthDtypeShare;

typedef struct
{
  UthModelFileFormat format;
  char      *name;           /* the file's name as shown in messages */
  char      *architecture;   /* model_type / general.architecture; NULL if unknown */
  char      *title;          /* general.name (GGUF), or NULL */

  /* A full architecture the core can compute with (config.json, GGUF with its metadata). */
  gboolean   has_spec;
  UthModel   spec;

  /* What the format knows; 0 when it does not say. */
  guint64    params;
  guint64    layers;
  guint64    hidden_size;
  guint64    heads;
  guint64    kv_heads;
  guint64    head_dim;
  guint64    vocab_size;
  guint64    tensors;
  guint64    weight_bytes;
  char      *dtype;          /* the data type holding most bytes, or config.json's torch_dtype */
  GArray    *dtypes;         /* UthDtypeShare by bytes, largest first; empty when unknown */
  /* The scenario's weight type the file's tensors are stored in (the type holding most
   * bytes: GGUF Q8_0 → q8_0, Q4_0 → q4_0, Q4_K → q4_k_m; safetensors BF16 → bf16, F8_E4M3
   * → fp8; GPTQ/AWQ checkpoints, whose *.qweight tensors pack 4-bit codes in I32, →
   * int4-g128), when it has one; bits_per_weight is what the file really spends per
   * parameter (weight bytes x 8 / parameters, scales included), 0 when unknown. */
  gboolean   has_weights_dtype;
  UthDtype   weights_dtype;
  double     bits_per_weight;
  guint64    packed_int4_tensors;  /* safetensors tensors named *.qweight in I32 */

  /* tokenizer.json only. */
  char      *tokenizer_model;  /* "BPE", "Unigram", "WordPiece", "WordLevel" */
  guint64    merges;
  guint64    added_tokens;

  /* Sharded safetensors: shards listed and shards whose headers were read. */
  guint64    shards;
  guint64    shards_read;

  GPtrArray *notes;          /* translated sentences worth showing beside the numbers */
} UthModelFile;

/* Caps on what a header may claim before anything is allocated or read. */
#define UTH_MODEL_FILE_MAX_JSON_BYTES   (64u * 1024u * 1024u)
#define UTH_MODEL_FILE_MAX_HEADER_BYTES (64u * 1024u * 1024u)   /* GGUF metadata + tensor infos */
#define UTH_MODEL_FILE_MAX_TENSORS      (1u << 20)
#define UTH_MODEL_FILE_MAX_SHARDS       4096u
/* A pipe on standard input is read whole into memory, at most this much. */
#define UTH_MODEL_FILE_MAX_STDIN_BYTES  (64u * 1024u * 1024u)

UthModelFile *uth_model_file_new       (UthModelFileFormat  format,
                                        const char         *name);
void          uth_model_file_free      (UthModelFile       *self);
/* "hf-config", "tokenizer", "safetensors", "safetensors-index", "gguf". */
const char   *uth_model_file_format_id (UthModelFileFormat  format);

/* Detects the format of a file (or, for a folder, reads its config.json and adds its
 * safetensors weights) and inspects it. Errors are UTH_CATALOG_ERROR and name the file. */
UthModelFile *uth_model_file_inspect       (GFile       *file,
                                            GError     **error);
/* The same on standard input ("standard input" in messages): a pipe is read once into a
 * buffer of at most UTH_MODEL_FILE_MAX_STDIN_BYTES; a terminal is refused. */
UthModelFile *uth_model_file_inspect_stdin (GError     **error);
/* The same on bytes in memory (every format except a sharded index, whose shards are
 * separate files); used by the fuzz targets. */
UthModelFile *uth_model_file_inspect_bytes (GBytes      *bytes,
                                            const char  *name,
                                            GError     **error);

/* Opens a file once to read it: anything but a regular file (a FIFO, a device, a socket,
 * a folder) is refused at once with a message naming it, and never opened (opening a FIFO
 * would wait for a writer). *size is the file's size. Errors are UTH_CATALOG_ERROR_IO. */
GInputStream *uth_model_file_open        (GFile        *file,
                                          const char   *name,
                                          guint64      *size,
                                          GError      **error);
/* Reads a stream to its end into memory, failing once it exceeds max_bytes. */
GBytes       *uth_model_file_read_bounded (GInputStream *stream,
                                           const char   *name,
                                           gsize         max_bytes,
                                           GError      **error);

/* Adds tensors of one dtype to the totals (params, bytes, tensors, dtypes); false on overflow. */
gboolean      uth_model_file_add_tensors (UthModelFile *self,
                                          const char   *dtype,
                                          guint64       tensors,
                                          guint64       params,
                                          guint64       bytes);
/* Sorts dtypes and sets dtype to the one holding most bytes. */
void          uth_model_file_finish      (UthModelFile *self);
void          uth_model_file_add_note    (UthModelFile *self,
                                          const char   *format,
                                          ...) G_GNUC_PRINTF (2, 3);

/* A models.json entry (data/catalog/README.md) for a file with a spec, to save in the
 * user's catalog: NULL when the file holds no full architecture. */
JsonObject   *uth_model_file_to_catalog_entry (const UthModelFile *self,
                                               const char         *id,
                                               const char         *name,
                                               const char         *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UthModelFile, uth_model_file_free)

G_END_DECLS
