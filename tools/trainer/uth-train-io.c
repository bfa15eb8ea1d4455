/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trainer's files; see uth-train-io.h. */
#include "uth-train-io.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "core/uth-bpe.h"
#include "core/uth-rng.h"

#define IO_ERROR (g_quark_from_static_string ("uth-train-io"))

GString *
uth_train_decode (UthTokenizer  *tokenizer,
                  const guint32 *ids,
                  gsize          n)
{
  const UthBpe *bpe = uth_tokenizer_get_bpe (tokenizer);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    {
      size_t len = 0;
      const uint8_t *bytes = uth_bpe_token_bytes (bpe, ids[i], &len);

      if (bytes != NULL)
        g_string_append_len (s, (const char *) bytes, (gssize) len);
    }
  return s;
}

GArray *
uth_train_tokenize_file (UthTokenizer  *tokenizer,
                         const char    *path,
                         GError       **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  GArray *ids;
  GString *back;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  ids = uth_tokenizer_encode (tokenizer, text, (gssize) length);
  back = uth_train_decode (tokenizer, (const guint32 *) ids->data, ids->len);
  if (back->len != length || memcmp (back->str, text, length) != 0)
    {
      gsize at = 0;

      while (at < length && at < back->len && back->str[at] == text[at])
        at++;
      g_set_error (error, IO_ERROR, 1,
                   "%s: the tokens do not spell the text back (first difference at byte %"
                   G_GSIZE_FORMAT ")", path, at);
      g_string_free (back, TRUE);
      g_array_unref (ids);
      return NULL;
    }
  g_string_free (back, TRUE);
  return ids;
}

/* ---- the model folder ------------------------------------------------------------------ */

typedef struct
{
  char   *name;
  float  *data;
  gsize   n;
  int     rows, cols;   /* cols 0: a vector */
} Tensor;

static int
compare_tensors (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const Tensor *) a)->name, ((const Tensor *) b)->name);
}

/* The tensors of the model, pointing into params, by their Hugging Face names. */
static GArray *
list_tensors (const UthTrainConfig *cfg,
              float                *params)
{
  GArray *list = g_array_new (FALSE, TRUE, sizeof (Tensor));
  int d = cfg->dim, h = cfg->hidden_dim;

#define ADD(nm, ptr, r, c) do { \
    Tensor t = { (nm), (ptr), (gsize) (r) * ((c) > 0 ? (gsize) (c) : 1u), (r), (c) }; \
    g_array_append_val (list, t); } while (0)
  ADD (g_strdup ("model.embed_tokens.weight"), uth_train_embed (cfg, params),
       cfg->vocab_size, d);
  for (int l = 0; l < cfg->n_layers; l++)
    {
      UthTrainLayer L;

      uth_train_layer (cfg, params, l, &L);
      ADD (g_strdup_printf ("model.layers.%d.input_layernorm.weight", l), L.attn_norm, d, 0);
      ADD (g_strdup_printf ("model.layers.%d.self_attn.q_proj.weight", l), L.wq, d, d);
      ADD (g_strdup_printf ("model.layers.%d.self_attn.k_proj.weight", l), L.wk, d, d);
      ADD (g_strdup_printf ("model.layers.%d.self_attn.v_proj.weight", l), L.wv, d, d);
      ADD (g_strdup_printf ("model.layers.%d.self_attn.o_proj.weight", l), L.wo, d, d);
      ADD (g_strdup_printf ("model.layers.%d.post_attention_layernorm.weight", l), L.mlp_norm,
           d, 0);
      ADD (g_strdup_printf ("model.layers.%d.mlp.gate_proj.weight", l), L.gate, h, d);
      ADD (g_strdup_printf ("model.layers.%d.mlp.up_proj.weight", l), L.up, h, d);
      ADD (g_strdup_printf ("model.layers.%d.mlp.down_proj.weight", l), L.down, d, h);
    }
  ADD (g_strdup ("model.norm.weight"), uth_train_final_norm (cfg, params), d, 0);
#undef ADD
  g_array_sort (list, compare_tensors);
  return list;
}

static void
free_tensors (GArray *list)
{
  for (guint i = 0; i < list->len; i++)
    g_free (g_array_index (list, Tensor, i).name);
  g_array_unref (list);
}

gboolean
uth_train_model_save (const UthTrainModel *model,
                      const char          *dir,
                      GError             **error)
{
  const UthTrainConfig *cfg = &model->cfg;
  GArray *list = list_tensors (cfg, model->params);
  GString *header = g_string_new ("{");
  GByteArray *file = g_byte_array_new ();
  g_autofree char *st_path = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *cfg_path = g_build_filename (dir, "config.json", NULL);
  g_autofree char *config = NULL;
  gsize offset = 0;
  guint64 hlen;
  guint8 le[8];
  gboolean ok;

  for (guint i = 0; i < list->len; i++)
    {
      Tensor *t = &g_array_index (list, Tensor, i);

      if (t->cols > 0)
        g_string_append_printf (header, "\"%s\":{\"dtype\":\"F32\",\"shape\":[%d,%d],", t->name,
                                t->rows, t->cols);
      else
        g_string_append_printf (header, "\"%s\":{\"dtype\":\"F32\",\"shape\":[%d],", t->name,
                                t->rows);
      g_string_append_printf (header, "\"data_offsets\":[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT
                              "]},", offset, offset + t->n * 4);
      offset += t->n * 4;
    }
  g_string_append (header, "\"__metadata__\":{\"format\":\"pt\"}}");
  while (header->len % 8 != 0)
    g_string_append_c (header, ' ');
  hlen = header->len;
  for (int i = 0; i < 8; i++)
    le[i] = (guint8) (hlen >> (8 * i));
  g_byte_array_append (file, le, 8);
  g_byte_array_append (file, (const guint8 *) header->str, header->len);
  for (guint i = 0; i < list->len; i++)
    {
      Tensor *t = &g_array_index (list, Tensor, i);

      for (gsize j = 0; j < t->n; j++)
        {
          guint32 bits;

          memcpy (&bits, &t->data[j], 4);
          bits = GUINT32_TO_LE (bits);
          g_byte_array_append (file, (const guint8 *) &bits, 4);
        }
    }
  config = g_strdup_printf (
    "{\n"
    "  \"architectures\": [\"LlamaForCausalLM\"],\n"
    "  \"model_type\": \"llama\",\n"
    "  \"hidden_size\": %d,\n"
    "  \"intermediate_size\": %d,\n"
    "  \"num_hidden_layers\": %d,\n"
    "  \"num_attention_heads\": %d,\n"
    "  \"num_key_value_heads\": %d,\n"
    "  \"head_dim\": %d,\n"
    "  \"hidden_act\": \"silu\",\n"
    "  \"rms_norm_eps\": %g,\n"
    "  \"rope_theta\": %.1f,\n"
    "  \"rope_scaling\": null,\n"
    "  \"attention_bias\": false,\n"
    "  \"mlp_bias\": false,\n"
    "  \"vocab_size\": %d,\n"
    "  \"max_position_embeddings\": %d,\n"
    "  \"tie_word_embeddings\": true,\n"
    "  \"bos_token_id\": %d,\n"
    "  \"eos_token_id\": %d,\n"
    "  \"initializer_range\": 0.02,\n"
    "  \"torch_dtype\": \"float32\"\n"
    "}\n",
    cfg->dim, cfg->hidden_dim, cfg->n_layers, cfg->n_heads, cfg->n_heads,
    cfg->dim / cfg->n_heads, cfg->norm_eps, cfg->rope_theta, cfg->vocab_size, cfg->context,
    model->bos_id, model->bos_id);
  ok = g_file_set_contents (st_path, (const char *) file->data, (gssize) file->len, error) &&
       g_file_set_contents (cfg_path, config, -1, error);
  g_byte_array_unref (file);
  g_string_free (header, TRUE);
  free_tensors (list);
  return ok;
}

static gboolean
get_int (JsonObject  *o,
         const char  *name,
         int         *out,
         const char  *path,
         GError     **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || json_node_get_value_type (n) != G_TYPE_INT64)
    {
      g_set_error (error, IO_ERROR, 1, "%s: \"%s\" missing or not a whole number", path, name);
      return FALSE;
    }
  *out = (int) json_node_get_int (n);
  return TRUE;
}

gboolean
uth_train_model_load (UthTrainModel *model,
                      const char    *dir,
                      GError       **error)
{
  g_autofree char *st_path = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *cfg_path = g_build_filename (dir, "config.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonParser) hparser = json_parser_new ();
  g_autofree char *data = NULL;
  gsize length = 0;
  JsonObject *o, *h;
  guint64 hlen = 0;
  GArray *list;
  const char *problem;
  int tie_ok;

  memset (model, 0, sizeof *model);
  if (!json_parser_load_from_file (parser, cfg_path, error))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  if (o == NULL ||
      !get_int (o, "vocab_size", &model->cfg.vocab_size, cfg_path, error) ||
      !get_int (o, "hidden_size", &model->cfg.dim, cfg_path, error) ||
      !get_int (o, "num_hidden_layers", &model->cfg.n_layers, cfg_path, error) ||
      !get_int (o, "num_attention_heads", &model->cfg.n_heads, cfg_path, error) ||
      !get_int (o, "intermediate_size", &model->cfg.hidden_dim, cfg_path, error) ||
      !get_int (o, "max_position_embeddings", &model->cfg.context, cfg_path, error) ||
      !get_int (o, "bos_token_id", &model->bos_id, cfg_path, error))
    return FALSE;
  model->cfg.rope_theta = json_object_get_double_member_with_default (o, "rope_theta", 0);
  model->cfg.norm_eps = json_object_get_double_member_with_default (o, "rms_norm_eps", 0);
  tie_ok = json_object_get_boolean_member_with_default (o, "tie_word_embeddings", FALSE);
  problem = uth_train_config_check (&model->cfg);
  if (problem != NULL || !tie_ok)
    {
      g_set_error (error, IO_ERROR, 1, "%s: %s", cfg_path,
                   problem != NULL ? problem : "the trainer's models tie their embeddings");
      return FALSE;
    }
  if (!g_file_get_contents (st_path, &data, &length, error))
    return FALSE;
  for (int i = 0; i < 8 && length >= 8; i++)
    hlen |= (guint64) (guint8) data[i] << (8 * i);
  if (length < 8 || hlen > length - 8 ||
      !json_parser_load_from_data (hparser, data + 8, (gssize) hlen, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, IO_ERROR, 1, "%s: not a safetensors file", st_path);
      return FALSE;
    }
  h = json_node_get_object (json_parser_get_root (hparser));
  model->params = g_new0 (float, uth_train_n_params (&model->cfg));
  list = list_tensors (&model->cfg, model->params);
  for (guint i = 0; i < list->len; i++)
    {
      Tensor *t = &g_array_index (list, Tensor, i);
      JsonObject *e = h != NULL ? json_object_get_object_member (h, t->name) : NULL;
      JsonArray *offs = e != NULL ? json_object_get_array_member (e, "data_offsets") : NULL;
      const char *dtype = e != NULL ? json_object_get_string_member (e, "dtype") : NULL;
      guint64 begin, end;

      if (offs == NULL || json_array_get_length (offs) != 2 || g_strcmp0 (dtype, "F32") != 0)
        {
          g_set_error (error, IO_ERROR, 1, "%s: tensor %s missing or not F32", st_path,
                       t->name);
          free_tensors (list);
          uth_train_model_clear (model);
          return FALSE;
        }
      begin = (guint64) json_array_get_int_element (offs, 0);
      end = (guint64) json_array_get_int_element (offs, 1);
      if (end < begin || end - begin != t->n * 4 || end > length - 8 - hlen)
        {
          g_set_error (error, IO_ERROR, 1, "%s: tensor %s has the wrong size", st_path,
                       t->name);
          free_tensors (list);
          uth_train_model_clear (model);
          return FALSE;
        }
      for (gsize j = 0; j < t->n; j++)
        {
          guint32 bits;

          memcpy (&bits, data + 8 + hlen + begin + 4 * j, 4);
          bits = GUINT32_FROM_LE (bits);
          memcpy (&t->data[j], &bits, 4);
        }
    }
  free_tensors (list);
  return TRUE;
}

void
uth_train_model_clear (UthTrainModel *model)
{
  g_clear_pointer (&model->params, g_free);
}

/* ---- measurements --------------------------------------------------------------------- */

static int
count_windows (gsize n_ids,
               int   seq_len,
               int   max_windows)
{
  gsize n = seq_len > 1 ? n_ids / (gsize) (seq_len - 1) : 0;

  if (max_windows > 0 && n > (gsize) max_windows)
    n = (gsize) max_windows;
  return (int) MIN (n, (gsize) G_MAXINT);
}

/* Window w as BOS + ids[w·(T−1) ...], targets the window's tokens. */
static void
fill_window (const UthTrainModel *model,
             const guint32       *ids,
             int                  w,
             int                  seq_len,
             int32_t             *inputs,
             int32_t             *targets)
{
  const guint32 *win = ids + (gsize) w * (gsize) (seq_len - 1);

  inputs[0] = model->bos_id;
  for (int t = 0; t < seq_len; t++)
    {
      if (t > 0)
        inputs[t] = (int32_t) win[t - 1];
      targets[t] = t < seq_len - 1 ? (int32_t) win[t] : -1;
    }
}

double
uth_train_eval_windows (const UthTrainModel *model,
                        const guint32       *ids,
                        gsize                n_ids,
                        int                  seq_len,
                        int                  max_windows,
                        int                  n_threads,
                        gsize               *n_tokens)
{
  int n = count_windows (n_ids, seq_len, max_windows), batch = 8;
  UthTrainWork *work = uth_train_work_new (&model->cfg, batch, seq_len);
  int32_t *inputs = g_new (int32_t, (gsize) batch * seq_len);
  int32_t *targets = g_new (int32_t, (gsize) batch * seq_len);
  double total = 0;
  gsize counted_all = 0;

  for (int w0 = 0; work != NULL && w0 < n; w0 += batch)
    {
      int counted = 0;
      double loss;

      for (int b = 0; b < batch; b++)
        {
          if (w0 + b < n)
            fill_window (model, ids, w0 + b, seq_len, inputs + b * seq_len,
                         targets + b * seq_len);
          else
            for (int t = 0; t < seq_len; t++)
              inputs[b * seq_len + t] = model->bos_id, targets[b * seq_len + t] = -1;
        }
      loss = uth_train_forward_backward (&model->cfg, model->params, NULL, inputs, targets,
                                         work, n_threads, &counted);
      total += loss * counted;
      counted_all += (gsize) counted;
    }
  uth_train_work_free (work);
  g_free (inputs);
  g_free (targets);
  if (n_tokens != NULL)
    *n_tokens = counted_all;
  return counted_all > 0 ? total / (double) counted_all : NAN;
}

gboolean
uth_train_head_scores (const UthTrainModel *model,
                       const guint32       *ids,
                       gsize                n_ids,
                       int                  seq_len,
                       int                  max_windows,
                       int                  n_induction,
                       guint64              seed,
                       UthTrainHeadScores  *out)
{
  const UthTrainConfig *cfg = &model->cfg;
  int L = cfg->n_layers, H = cfg->n_heads, T = seq_len, n = count_windows (n_ids, T, max_windows);
  int half = (T - 1) / 2;
  UthTrainWork *work = uth_train_work_new (cfg, 1, T);
  int32_t *inputs = g_new (int32_t, T), *targets = g_new (int32_t, T);
  UthRng rng;

  out->previous = g_new0 (double, (gsize) L * H);
  out->first = g_new0 (double, (gsize) L * H);
  out->induction = g_new0 (double, (gsize) L * H);
  if (work == NULL || n < 1 || n_induction < 1 || half < 2)
    {
      uth_train_work_free (work);
      g_free (inputs);
      g_free (targets);
      return FALSE;
    }
  for (int w = 0; w < n; w++)
    {
      fill_window (model, ids, w, T, inputs, targets);
      uth_train_forward_backward (cfg, model->params, NULL, inputs, targets, work, 1, NULL);
      for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++)
          {
            const float *P = uth_train_work_attention (work, l) + (gsize) h * T * T;

            for (int t = 1; t < T; t++)
              {
                out->previous[l * H + h] += P[t * T + t - 1] / ((double) n * (T - 1));
                out->first[l * H + h] += P[t * T] / ((double) n * (T - 1));
              }
          }
    }
  /* BOS + R + R: position p = 1 + half + i holds R[i], first seen at 1 + i; the token that
   * followed it is at 2 + i = p − half + 1. */
  uth_rng_init (&rng, seed);
  for (int s = 0; s < n_induction; s++)
    {
      inputs[0] = model->bos_id;
      for (int i = 0; i < half; i++)
        {
          int32_t id = 256 + (int32_t) (uth_rng_uniform (&rng) * (cfg->vocab_size - 257));

          inputs[1 + i] = inputs[1 + half + i] = id;
        }
      for (int t = 1 + 2 * half; t < T; t++)
        inputs[t] = model->bos_id;
      for (int t = 0; t < T; t++)
        targets[t] = -1;
      uth_train_forward_backward (cfg, model->params, NULL, inputs, targets, work, 1, NULL);
      for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++)
          {
            const float *P = uth_train_work_attention (work, l) + (gsize) h * T * T;

            for (int i = 0; i < half - 1; i++)
              {
                int p = 1 + half + i;

                out->induction[l * H + h] += P[p * T + p - half + 1] /
                                             ((double) n_induction * (half - 1));
              }
          }
    }
  uth_train_work_free (work);
  g_free (inputs);
  g_free (targets);
  return TRUE;
}

void
uth_train_head_scores_clear (UthTrainHeadScores *scores)
{
  g_clear_pointer (&scores->previous, g_free);
  g_clear_pointer (&scores->first, g_free);
  g_clear_pointer (&scores->induction, g_free);
}
