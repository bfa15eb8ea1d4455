/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading model files: known configs, and safetensors/GGUF files written here byte by byte,
 * whole, truncated at every length, and corrupted. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "catalog/uth-catalog.h"
#include "catalog/uth-gguf.h"
#include "catalog/uth-model-file.h"
#include "catalog/uth-tokenizer-json.h"
#include "gguf-writer.h"

static UthModelFile *
inspect_path (const char  *path,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return uth_model_file_inspect (file, error);
}

static UthModelFile *
inspect_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "hf", name, NULL);
  g_autoptr(GError) error = NULL;
  UthModelFile *f = inspect_path (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (f);
  g_assert_cmpint (f->format, ==, UTH_MODEL_FILE_HF_CONFIG);
  g_assert_true (f->has_spec);
  return f;
}

/* ---------------------------------------------------------------------------------------- */
/* config.json                                                                              */

/* Each config (the models' own config.json on the Hugging Face hub, see data/catalog) read
 * here gives the same parameter count as the catalog entry, which issue 2 checks against the
 * published counts: the two readings of the same architecture agree to the parameter. */
static void
test_hf_configs_match_catalog (void)
{
  static const struct
  {
    const char *file;
    const char *catalog_id;
  } cases[] = {
    { "llama-3-8b.json", "llama-3-8b" },
    { "qwen2.5-7b.json", "qwen2.5-7b" },
    { "qwen2.5-0.5b.json", "qwen2.5-0.5b" },
    { "gemma-2-9b.json", "gemma-2-9b" },
    { "gpt2.json", "gpt-2" },
    { "mixtral-8x7b.json", "mixtral-8x7b" },
    { "phi-3-mini.json", "phi-3-mini" },
    { "mistral-7b.json", "mistral-7b" },
    { "deepseek-v3.json", "deepseek-v3" },
  };
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (uth_catalog_load_bundled_full (catalog, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(UthModelFile) f = inspect_fixture (cases[i].file);
      const UthModelEntry *e = uth_catalog_find_model (catalog, cases[i].catalog_id);

      g_test_message ("%s: %" G_GUINT64_FORMAT, cases[i].file, f->params);
      g_assert_nonnull (e);
      g_assert_cmpuint (f->params, ==, uth_model_params (&e->spec));
      g_assert_cmpuint (uth_model_active_params (&f->spec), ==, uth_model_active_params (&e->spec));
      g_assert_cmpfloat (uth_model_kv_bytes_per_token (&f->spec, 2.0), ==,
                         uth_model_kv_bytes_per_token (&e->spec, 2.0));
      if (e->params_published > 0)
        g_assert_cmpuint (f->params, ==, e->params_published);
    }
}

static void
test_hf_architecture_details (void)
{
  g_autoptr(UthModelFile) llama = inspect_fixture ("llama-3-8b.json");
  g_autoptr(UthModelFile) qwen = inspect_fixture ("qwen2.5-7b.json");
  g_autoptr(UthModelFile) qwen_small = inspect_fixture ("qwen2.5-0.5b.json");
  g_autoptr(UthModelFile) gemma2 = inspect_fixture ("gemma-2-9b.json");
  g_autoptr(UthModelFile) gemma = inspect_fixture ("gemma-7b.json");
  g_autoptr(UthModelFile) gpt2 = inspect_fixture ("gpt2.json");
  g_autoptr(UthModelFile) mixtral = inspect_fixture ("mixtral-8x7b.json");
  g_autoptr(UthModelFile) mistral = inspect_fixture ("mistral-7b.json");
  g_autoptr(UthModelFile) phi3 = inspect_fixture ("phi-3-mini.json");
  g_autoptr(UthModelFile) deepseek = inspect_fixture ("deepseek-v3.json");

  g_assert_cmpstr (llama->architecture, ==, "llama");
  g_assert_cmpstr (llama->dtype, ==, "bfloat16");
  g_assert_cmpuint (llama->params, ==, G_GUINT64_CONSTANT (8030261248));
  g_assert_cmpuint (llama->head_dim, ==, 128);
  g_assert_cmpint (llama->spec.attention, ==, UTH_ATTN_GQA);
  g_assert_false (llama->spec.tied_embeddings);

  /* Qwen2: biases on Q, K and V but not O; the sliding window is off unless asked for. */
  g_assert_true (qwen->spec.qkv_bias);
  g_assert_false (qwen->spec.out_bias);
  g_assert_cmpuint (qwen->spec.sliding_window, ==, 0);
  g_assert_true (qwen_small->spec.tied_embeddings);

  /* Gemma 2: four norms per layer, explicit head_dim (256, not 3584 / 16 = 224), tied
   * embeddings by default, a 4096-token window on every other layer. */
  g_assert_cmpuint (gemma2->spec.norms_per_layer, ==, 4);
  g_assert_cmpuint (gemma2->spec.head_dim, ==, 256);
  g_assert_true (gemma2->spec.tied_embeddings);
  g_assert_cmpuint (gemma2->spec.sliding_window, ==, 4096);
  g_assert_cmpuint (gemma2->spec.sliding_layers, ==, 21);

  /* Gemma 7B: 8,537,680,896 parameters (256000 x 3072 embedding + 28 layers of
   * 50,331,648 attention + 226,492,416 GeGLU MLP + 6,144 norm weights + 3,072 final norm). */
  g_assert_cmpuint (gemma->params, ==, G_GUINT64_CONSTANT (8537680896));
  g_assert_cmpuint (gemma->spec.norms_per_layer, ==, 2);

  /* GPT-2: LayerNorm with biases everywhere, 1024 learned positions, MLP 4 x 768. */
  g_assert_cmpint (gpt2->spec.norm, ==, UTH_NORM_LAYER);
  g_assert_true (gpt2->spec.qkv_bias && gpt2->spec.out_bias && gpt2->spec.mlp_bias);
  g_assert_false (gpt2->spec.gated_mlp);
  g_assert_cmpuint (gpt2->spec.ffn, ==, 3072);
  g_assert_cmpuint (gpt2->spec.learned_positions, ==, 1024);
  g_assert_cmpuint (gpt2->params, ==, 124439808);

  g_assert_cmpuint (mixtral->spec.experts, ==, 8);
  g_assert_cmpuint (mixtral->spec.active_experts, ==, 2);
  g_assert_cmpuint (mixtral->spec.expert_ffn, ==, 14336);
  g_assert_cmpuint (mixtral->spec.sliding_window, ==, 0);

  /* Mistral 7B v0.1 and Phi-3 mini slide on every layer. */
  g_assert_cmpuint (mistral->spec.sliding_window, ==, 4096);
  g_assert_cmpuint (mistral->spec.sliding_layers, ==, 32);
  g_assert_cmpuint (phi3->spec.sliding_window, ==, 2047);

  /* DeepSeek-V3: MLA, 1 shared + 8 of 256 routed experts, 3 dense layers first,
   * 671,026,419,200 parameters without the multi-token-prediction layer. */
  g_assert_cmpint (deepseek->spec.attention, ==, UTH_ATTN_MLA);
  g_assert_cmpuint (deepseek->spec.kv_lora_rank, ==, 512);
  g_assert_cmpuint (deepseek->spec.qk_rope_dim, ==, 64);
  g_assert_cmpuint (deepseek->spec.q_lora_rank, ==, 1536);
  g_assert_cmpuint (deepseek->spec.shared_experts, ==, 1);
  g_assert_cmpuint (deepseek->spec.dense_layers, ==, 3);
  g_assert_true (deepseek->spec.router_bias);
  g_assert_cmpuint (deepseek->head_dim, ==, 192);
  g_assert_cmpuint (deepseek->params, ==, G_GUINT64_CONSTANT (671026419200));
}

static UthModelFile *
inspect_text (const char  *text,
              GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return uth_model_file_inspect_bytes (bytes, "t.json", error);
}

static void
test_hf_errors (void)
{
  static const struct
  {
    const char *json;
    const char *message;
  } cases[] = {
    { "{ \"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2 }",
      "t.json: field 'num_attention_heads': missing" },
    { "{ \"model_type\": \"llama\", \"hidden_size\": -64, \"num_hidden_layers\": 2 }",
      "t.json: field 'hidden_size': expected a whole number" },
    { "{ \"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": \"2\" }",
      "field 'num_hidden_layers'" },
    { "{ \"model_type\": \"llama\", \"hidden_size\": 60, \"num_hidden_layers\": 2,"
      " \"num_attention_heads\": 8, \"intermediate_size\": 8, \"vocab_size\": 8 }",
      "field 'head_dim': missing" },
    { "{ \"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2,"
      " \"num_attention_heads\": 4, \"num_key_value_heads\": 3, \"intermediate_size\": 8,"
      " \"vocab_size\": 8 }", "num_key_value_heads must divide" },
    { "{ \"model_type\": \"mixtral\", \"hidden_size\": 64, \"num_hidden_layers\": 2,"
      " \"num_attention_heads\": 4, \"intermediate_size\": 8, \"vocab_size\": 8 }",
      "field 'num_local_experts': missing" },
    { "{ \"something\": 1 }", "not a file this app reads" },
    { "{ \"model_type\": \"llama\", \"hidden_size\": 99999999999, \"num_hidden_layers\": 2 }",
      "field 'hidden_size'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UthModelFile) f = inspect_text (cases[i].json, &error);

      g_assert_null (f);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_hf_unknown_architecture (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = inspect_text (
    "{ \"model_type\": \"olmo\", \"hidden_size\": 64, \"num_hidden_layers\": 2,"
    " \"num_attention_heads\": 4, \"intermediate_size\": 128, \"vocab_size\": 100 }", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (f->architecture, ==, "olmo");
  g_assert_cmpuint (f->notes->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (f->notes, 0), "olmo"));
}

static void
test_catalog_entry_round_trip (void)
{
  g_autoptr(UthModelFile) f = inspect_fixture ("deepseek-v3.json");
  g_autoptr(JsonObject) entry = uth_model_file_to_catalog_entry (f, "my-deepseek", "Mine", NULL);
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  gsize length;

  json_array_add_object_element (list, json_object_ref (entry));
  json_object_set_array_member (root, "models", json_array_ref (list));
  json_node_set_object (node, root);
  text = json_to_string (node, FALSE);
  length = strlen (text);
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  g_assert_true (uth_catalog_load_bytes (catalog, UTH_CATALOG_MODELS, bytes, "user.json", TRUE,
                                         warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpuint (uth_model_params (&uth_catalog_find_model (catalog, "my-deepseek")->spec), ==,
                    f->params);
}

/* ---------------------------------------------------------------------------------------- */
/* tokenizer.json                                                                           */

static void
test_tokenizer (void)
{
  const char *json =
    "{ \"version\": \"1.0\", \"added_tokens\": ["
    "  { \"id\": 0, \"content\": \"<s>\", \"special\": true },"
    "  { \"id\": 5, \"content\": \"<extra>\", \"special\": true } ],"
    "  \"pre_tokenizer\": { \"type\": \"ByteLevel\" },"
    "  \"model\": { \"type\": \"BPE\", \"vocab\": { \"<s>\": 0, \"a\": 1, \"b\": 2, \"ab\": 3, \"c\": 4 },"
    "             \"merges\": [ \"a b\" ] } }";
  const char *pairs =
    "{ \"model\": { \"type\": \"BPE\", \"vocab\": { \"a\": 0, \"b\": 1, \"ab\": 2 },"
    "  \"merges\": [ [ \"a\", \"b\" ] ] } }";
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = inspect_text (json, &error);
  g_autoptr(UthModelFile) g = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (pairs, strlen (pairs));
  g_autoptr(JsonNode) root = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (f->format, ==, UTH_MODEL_FILE_TOKENIZER);
  g_assert_cmpstr (f->tokenizer_model, ==, "BPE");
  /* Five in the vocabulary plus one added token that is not in it. */
  g_assert_cmpuint (f->vocab_size, ==, 6);
  g_assert_cmpuint (f->merges, ==, 1);
  g_assert_cmpuint (f->added_tokens, ==, 2);

  g = uth_model_file_inspect_bytes (bytes, "pairs.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g->merges, ==, 1);
  g_assert_cmpuint (g->vocab_size, ==, 3);

  /* The parse the Tokens page's loader can reuse. */
  root = uth_tokenizer_json_parse (bytes, "pairs.json", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (uth_tokenizer_json_get_vocab (json_node_get_object (root))));
  g_assert_cmpuint (json_array_get_length (uth_tokenizer_json_get_merges (json_node_get_object (root))), ==, 1);
}

/* ---------------------------------------------------------------------------------------- */
/* safetensors, written here                                                                */

static GBytes *
make_safetensors (const char *header,
                  gsize       data_len)
{
  GByteArray *a = g_byte_array_new ();
  guint64 n = GUINT64_TO_LE (strlen (header));
  guint8 zero = 0;

  g_byte_array_append (a, (const guint8 *) &n, 8);
  g_byte_array_append (a, (const guint8 *) header, (guint) strlen (header));
  for (gsize i = 0; i < data_len; i++)
    g_byte_array_append (a, &zero, 1);
  return g_byte_array_free_to_bytes (a);
}

static const char *tiny_header =
  "{\"__metadata__\":{\"format\":\"pt\"},"
  "\"model.embed_tokens.weight\":{\"dtype\":\"BF16\",\"shape\":[10,4],\"data_offsets\":[0,80]},"
  "\"model.layers.0.mlp.up_proj.weight\":{\"dtype\":\"F32\",\"shape\":[4,8],\"data_offsets\":[80,208]},"
  "\"model.layers.1.input_layernorm.weight\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[208,216]}}";

static void
assert_tiny (const UthModelFile *f)
{
  /* 10 x 4 + 4 x 8 + 4 = 76 parameters; 80 + 128 + 8 = 216 bytes, most of them F32. */
  g_assert_cmpuint (f->tensors, ==, 3);
  g_assert_cmpuint (f->params, ==, 76);
  g_assert_cmpuint (f->weight_bytes, ==, 216);
  g_assert_cmpstr (f->dtype, ==, "F32");
  /* 216 bytes x 8 / 76 parameters = 22.7 bits: mostly fp32, some bf16. */
  g_assert_true (f->has_weights_dtype);
  g_assert_cmpint (f->weights_dtype, ==, UTH_DTYPE_FP32);
  g_assert_cmpfloat_with_epsilon (f->bits_per_weight, 216.0 * 8.0 / 76.0, 1e-9);
  g_assert_cmpuint (f->dtypes->len, ==, 2);
  g_assert_cmpuint (g_array_index (f->dtypes, UthDtypeShare, 1).params, ==, 44);
  g_assert_cmpuint (f->layers, ==, 2);
  g_assert_cmpuint (f->vocab_size, ==, 10);
  g_assert_cmpuint (f->hidden_size, ==, 4);
}

static char *
write_temp (const char *dir,
            const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), &error));
  return path;
}

static void
test_safetensors (void)
{
  g_autoptr(GBytes) bytes = make_safetensors (tiny_header, 216);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) mem = uth_model_file_inspect_bytes (bytes, "tiny.safetensors", &error);
  g_autofree char *dir = g_dir_make_tmp ("uth-st-XXXXXX", NULL);
  g_autofree char *path = write_temp (dir, "model.safetensors", bytes);
  g_autoptr(UthModelFile) disk = inspect_path (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (mem->format, ==, UTH_MODEL_FILE_SAFETENSORS);
  assert_tiny (mem);
  assert_tiny (disk);
  g_unlink (path);
  g_rmdir (dir);
}

/* A GPTQ/AWQ-shaped checkpoint: a 128 x 64 layer as qweight (I32, 16 x 64: eight 4-bit
 * codes a word), scales (F16, 1 x 64: one group of 128) and qzeros (I32, 1 x 8). Its type
 * is int4-g128; alone, the shapes count packed words, not weights, so no bits per weight. */
static void
test_safetensors_gptq (void)
{
  static const char *header =
    "{\"model.layers.0.mlp.up_proj.qweight\":{\"dtype\":\"I32\",\"shape\":[16,64],"
    "\"data_offsets\":[0,4096]},"
    "\"model.layers.0.mlp.up_proj.scales\":{\"dtype\":\"F16\",\"shape\":[1,64],"
    "\"data_offsets\":[4096,4224]},"
    "\"model.layers.0.mlp.up_proj.qzeros\":{\"dtype\":\"I32\",\"shape\":[1,8],"
    "\"data_offsets\":[4224,4256]}}";
  g_autoptr(GBytes) bytes = make_safetensors (header, 4256);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = uth_model_file_inspect_bytes (bytes, "gptq.safetensors", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (f->packed_int4_tensors, ==, 1);
  g_assert_true (f->has_weights_dtype);
  g_assert_cmpint (f->weights_dtype, ==, UTH_DTYPE_INT4_G128);
  g_assert_cmpfloat (f->bits_per_weight, ==, 0.0);
}

static void
test_safetensors_corrupt (void)
{
  static const struct
  {
    const char *header;
    gsize       data;
    const char *message;
  } cases[] = {
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "outside the file" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,6]}}", 8, "do not match" },
    { "{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "shape" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "overflows" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "outside" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap" },
    { "{\"a\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}", 0, "nested deeper" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]", 8, "not valid JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = make_safetensors (cases[i].header, cases[i].data);
      g_autoptr(GError) error = NULL;
      g_autoptr(UthModelFile) f = uth_model_file_inspect_bytes (bytes, "bad.safetensors", &error);

      g_assert_null (f);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "bad.safetensors"));
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

/* A header length far beyond the file, on disk: refused before anything is allocated. */
static void
test_safetensors_huge_length (void)
{
  guint8 data[16] = { 0 };
  guint64 n = GUINT64_TO_LE (G_GUINT64_CONSTANT (1) << 62);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-st-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = NULL;

  memcpy (data, &n, 8);
  data[8] = '{';
  bytes = g_bytes_new (data, sizeof data);
  path = write_temp (dir, "huge.safetensors", bytes);
  f = inspect_path (path, &error);
  /* The length does not fit the file, so it is not even taken for safetensors. */
  g_assert_null (f);
  g_assert_nonnull (strstr (error->message, "huge.safetensors"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_safetensors_sharded (void)
{
  const char *shard1 =
    "{\"model.embed_tokens.weight\":{\"dtype\":\"BF16\",\"shape\":[10,4],\"data_offsets\":[0,80]}}";
  const char *shard2 =
    "{\"model.layers.0.mlp.up_proj.weight\":{\"dtype\":\"BF16\",\"shape\":[4,8],\"data_offsets\":[0,64]}}";
  const char *index =
    "{\"metadata\":{\"total_size\":144},\"weight_map\":{"
    "\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\","
    "\"model.layers.0.mlp.up_proj.weight\":\"model-00002-of-00002.safetensors\"}}";
  const char *evil =
    "{\"weight_map\":{\"x\":\"../../etc/passwd\"}}";
  g_autofree char *dir = g_dir_make_tmp ("uth-shards-XXXXXX", NULL);
  g_autoptr(GBytes) b1 = make_safetensors (shard1, 80);
  g_autoptr(GBytes) b2 = make_safetensors (shard2, 64);
  g_autoptr(GBytes) bi = g_bytes_new_static (index, strlen (index));
  g_autoptr(GBytes) be = g_bytes_new_static (evil, strlen (evil));
  g_autofree char *p1 = write_temp (dir, "model-00001-of-00002.safetensors", b1);
  g_autofree char *p2 = write_temp (dir, "model-00002-of-00002.safetensors", b2);
  g_autofree char *pi = write_temp (dir, "model.safetensors.index.json", bi);
  g_autofree char *pe = write_temp (dir, "evil.index.json", be);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) all = inspect_path (pi, &error);
  g_autoptr(UthModelFile) part = NULL;
  g_autoptr(UthModelFile) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (all->format, ==, UTH_MODEL_FILE_SAFETENSORS_INDEX);
  g_assert_cmpuint (all->shards, ==, 2);
  g_assert_cmpuint (all->shards_read, ==, 2);
  g_assert_cmpuint (all->params, ==, 72);
  g_assert_cmpuint (all->weight_bytes, ==, 144);
  g_assert_cmpuint (all->tensors, ==, 2);
  g_assert_cmpstr (all->dtype, ==, "BF16");

  g_unlink (p2);
  part = inspect_path (pi, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (part->shards_read, ==, 1);
  g_assert_cmpuint (part->params, ==, 0);
  g_assert_cmpuint (part->weight_bytes, ==, 144);
  g_assert_cmpuint (part->tensors, ==, 2);
  g_assert_cmpuint (part->notes->len, ==, 1);

  bad = inspect_path (pe, &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "plain file name"));

  g_unlink (p1);
  g_unlink (pi);
  g_unlink (pe);
  g_rmdir (dir);
}

/* ---------------------------------------------------------------------------------------- */
/* GGUF, written here                                                                       */

static void
put_tensor (GByteArray *a,
            const char *name,
            guint64     ne0,
            guint64     ne1,
            guint32     type,
            guint64     offset)
{
  put_str (a, name);
  put_u32 (a, ne1 > 0 ? 2 : 1);
  put_u64 (a, ne0);
  if (ne1 > 0)
    put_u64 (a, ne1);
  put_u32 (a, type);
  put_u64 (a, offset);
}

/* A two-layer Llama-like GGUF: F16 embedding 64 x 32 (4096 bytes), Q4_0 64 x 64 (4096 / 32
 * blocks x 18 = 2304 bytes), Q8_0 64 x 256 (16384 / 32 x 34 = 17408 bytes), F32 norm of 64
 * (256 bytes), each at an offset aligned to 32. header_end receives where the data starts. */
static GBytes *
make_gguf (guint32  version,
           gsize   *header_end)
{
  GByteArray *a = g_byte_array_new ();
  guint8 zero = 0;

  g_byte_array_append (a, (const guint8 *) "GGUF", 4);
  put_u32 (a, version);
  put_u64 (a, 4);   /* tensors */
  put_u64 (a, 10);  /* metadata */
  put_str (a, "general.architecture");
  put_u32 (a, 8);
  put_str (a, "llama");
  put_str (a, "general.name");
  put_u32 (a, 8);
  put_str (a, "Tiny Llama");
  put_kv_u32 (a, "llama.block_count", 2);
  put_kv_u32 (a, "llama.embedding_length", 64);
  put_kv_u32 (a, "llama.attention.head_count", 4);
  put_kv_u32 (a, "llama.attention.head_count_kv", 2);
  put_kv_u32 (a, "llama.feed_forward_length", 256);
  put_kv_u32 (a, "llama.context_length", 2048);
  put_kv_u32 (a, "general.alignment", 32);
  put_str (a, "tokenizer.ggml.tokens");
  put_u32 (a, 9);   /* ARRAY */
  put_u32 (a, 8);   /* of STRING */
  put_u64 (a, 32);
  for (guint i = 0; i < 32; i++)
    {
      g_autofree char *token = g_strdup_printf ("t%u", i);
      put_str (a, token);
    }
  put_tensor (a, "token_embd.weight", 64, 32, 1, 0);
  put_tensor (a, "blk.0.attn_q.weight", 64, 64, 2, 4096);
  put_tensor (a, "blk.1.ffn_up.weight", 64, 256, 8, 4096 + 2304);
  put_tensor (a, "output_norm.weight", 64, 0, 0, 4096 + 2304 + 17408);
  while (a->len % 32 != 0)
    g_byte_array_append (a, &zero, 1);
  *header_end = a->len;
  for (guint i = 0; i < 4096 + 2304 + 17408 + 256; i++)
    g_byte_array_append (a, &zero, 1);
  return g_byte_array_free_to_bytes (a);
}

static void
assert_tiny_gguf (const UthModelFile *f)
{
  g_assert_cmpint (f->format, ==, UTH_MODEL_FILE_GGUF);
  g_assert_cmpstr (f->architecture, ==, "llama");
  g_assert_cmpstr (f->title, ==, "Tiny Llama");
  g_assert_cmpuint (f->tensors, ==, 4);
  g_assert_cmpuint (f->params, ==, 2048 + 4096 + 16384 + 64);
  g_assert_cmpuint (f->weight_bytes, ==, 4096 + 2304 + 17408 + 256);
  g_assert_cmpstr (f->dtype, ==, "Q8_0");
  /* The type holding most bytes, as the scenario's weight type, and the file's real bits:
   * (4096 + 2304 + 17408 + 256) bytes x 8 / (2048 + 4096 + 16384 + 64) weights = 8.52. */
  g_assert_true (f->has_weights_dtype);
  g_assert_cmpint (f->weights_dtype, ==, UTH_DTYPE_Q8_0);
  g_assert_cmpfloat_with_epsilon (f->bits_per_weight, 8.0 * 24064.0 / 22592.0, 1e-9);
  g_assert_cmpuint (f->dtypes->len, ==, 4);
  g_assert_cmpstr (g_array_index (f->dtypes, UthDtypeShare, 1).dtype, ==, "F16");
  g_assert_cmpuint (g_array_index (f->dtypes, UthDtypeShare, 2).bytes, ==, 2304);
  g_assert_cmpuint (f->layers, ==, 2);
  g_assert_cmpuint (f->hidden_size, ==, 64);
  g_assert_cmpuint (f->heads, ==, 4);
  g_assert_cmpuint (f->kv_heads, ==, 2);
  g_assert_cmpuint (f->head_dim, ==, 16);
  g_assert_cmpuint (f->vocab_size, ==, 32);
  g_assert_true (f->has_spec);
  g_assert_true (f->spec.tied_embeddings);
  g_assert_cmpuint (f->spec.ffn, ==, 256);
}

static void
test_gguf (void)
{
  gsize header_end;
  g_autoptr(GBytes) v3 = make_gguf (3, &header_end);
  g_autoptr(GBytes) v2 = make_gguf (2, &header_end);
  g_autoptr(GBytes) v1 = make_gguf (1, &header_end);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f3 = uth_model_file_inspect_bytes (v3, "tiny.gguf", &error);
  g_autoptr(UthModelFile) f2 = uth_model_file_inspect_bytes (v2, "tiny.gguf", &error);
  g_autoptr(UthModelFile) f1 = NULL;
  g_autofree char *dir = g_dir_make_tmp ("uth-gguf-XXXXXX", NULL);
  g_autofree char *path = write_temp (dir, "tiny.gguf", v3);
  g_autoptr(UthModelFile) disk = inspect_path (path, &error);

  g_assert_no_error (error);
  assert_tiny_gguf (f3);
  assert_tiny_gguf (f2);
  assert_tiny_gguf (disk);

  f1 = uth_model_file_inspect_bytes (v1, "old.gguf", &error);
  g_assert_null (f1);
  g_assert_nonnull (strstr (error->message, "old.gguf: GGUF version 1"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Every prefix of the file fails cleanly, naming the file (a download cut short). */
static void
test_gguf_truncated (void)
{
  gsize header_end;
  g_autoptr(GBytes) whole = make_gguf (3, &header_end);
  gsize size = g_bytes_get_size (whole);

  for (gsize len = 0; len < size; len += len < header_end + 64 ? 1 : 997)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (whole, 0, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(UthModelFile) f = uth_model_file_inspect_bytes (part, "cut.gguf", &error);

      g_assert_null (f);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "cut.gguf"));
    }
}

/* Counts, lengths and offsets that lie. */
static void
test_gguf_hostile (void)
{
  static const struct
  {
    gsize       offset;   /* where to write */
    guint64     value;    /* a u64 (or the low half for a u32 field) */
    guint       width;
    const char *message;
  } cases[] = {
    { 8, G_GUINT64_CONSTANT (1) << 40, 8, "tensors" },         /* tensor count */
    { 16, G_GUINT64_CONSTANT (1) << 60, 8, "metadata entries" }, /* metadata count */
    { 24, G_GUINT64_CONSTANT (1) << 63, 8, "truncated" },       /* first key's length */
    { 24 + 8 + 20, 99, 4, "unknown metadata value type" },      /* first value's type */
  };
  gsize header_end;
  g_autoptr(GBytes) whole = make_gguf (3, &header_end);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize size;
      guint8 *data = g_bytes_unref_to_data (g_bytes_ref (whole), &size);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(UthModelFile) f = NULL;
      guint64 le = GUINT64_TO_LE (cases[i].value);

      memcpy (data + cases[i].offset, &le, cases[i].width);
      bytes = g_bytes_new_take (data, size);
      f = uth_model_file_inspect_bytes (bytes, "lie.gguf", &error);
      g_assert_null (f);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

/* Random bytes flipped anywhere in the header: an answer or an error, never a crash. */
static void
test_gguf_flipped (void)
{
  gsize header_end;
  g_autoptr(GBytes) whole = make_gguf (3, &header_end);
  GRand *rand = g_rand_new_with_seed (20261127);
  guint failures = 0;

  for (guint round = 0; round < 2000; round++)
    {
      gsize size;
      guint8 *data = g_bytes_unref_to_data (g_bytes_ref (whole), &size);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(UthModelFile) f = NULL;

      for (guint k = 0; k < 3; k++)
        data[g_rand_int_range (rand, 0, (gint32) header_end)] = (guint8) g_rand_int_range (rand, 0, 256);
      bytes = g_bytes_new_take (data, size);
      f = uth_model_file_inspect_bytes (bytes, "flip.gguf", &error);
      g_assert_true ((f == NULL) != (error == NULL));
      failures += f == NULL;
    }
  /* Most corruptions are caught (a flipped byte in a token string is harmless). */
  g_assert_cmpuint (failures, >, 100);
  g_rand_free (rand);
}

static void
test_unknown_format (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("hello world", 11);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(UthModelFile) f = uth_model_file_inspect_bytes (bytes, "x.bin", &error);
  g_autoptr(UthModelFile) g = NULL;

  g_assert_null (f);
  g_assert_nonnull (strstr (error->message, "x.bin: not a file this app reads"));
  g_clear_error (&error);
  g = uth_model_file_inspect_bytes (empty, "empty", &error);
  g_assert_null (g);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inspect/hf-config/match-catalog", test_hf_configs_match_catalog);
  g_test_add_func ("/inspect/hf-config/architectures", test_hf_architecture_details);
  g_test_add_func ("/inspect/hf-config/errors", test_hf_errors);
  g_test_add_func ("/inspect/hf-config/unknown", test_hf_unknown_architecture);
  g_test_add_func ("/inspect/hf-config/catalog-entry", test_catalog_entry_round_trip);
  g_test_add_func ("/inspect/tokenizer", test_tokenizer);
  g_test_add_func ("/inspect/safetensors/header", test_safetensors);
  g_test_add_func ("/inspect/safetensors/gptq", test_safetensors_gptq);
  g_test_add_func ("/inspect/safetensors/corrupt", test_safetensors_corrupt);
  g_test_add_func ("/inspect/safetensors/huge-length", test_safetensors_huge_length);
  g_test_add_func ("/inspect/safetensors/sharded", test_safetensors_sharded);
  g_test_add_func ("/inspect/gguf/header", test_gguf);
  g_test_add_func ("/inspect/gguf/truncated", test_gguf_truncated);
  g_test_add_func ("/inspect/gguf/hostile", test_gguf_hostile);
  g_test_add_func ("/inspect/gguf/flipped", test_gguf_flipped);
  g_test_add_func ("/inspect/unknown-format", test_unknown_format);

  return g_test_run ();
}
