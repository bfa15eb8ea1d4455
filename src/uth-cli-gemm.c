/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <string.h>

#include "core/uth-roofline.h"
#include "uth-cli-private.h"

#define LABEL_WIDTH 22
/* Far beyond any real matrix, small enough that 2 M K N stays exact enough in a double. */
#define MAX_DIM (G_GUINT64_CONSTANT (1) << 24)

typedef struct
{
  char *m, *k, *n, *gpu, *dtype, *engine;
  gboolean json;
} GemmText;

static void
gemm_text_clear (GemmText *t)
{
  g_free (t->m);
  g_free (t->k);
  g_free (t->n);
  g_free (t->gpu);
  g_free (t->dtype);
  g_free (t->engine);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GemmText, gemm_text_clear)

static void
print_usage (void)
{
  g_print ("%s\n  under-the-hood gemm --m M --k K --n N --gpu ID [--dtype DTYPE] [--engine ID] [--json]\n\n",
           _("Usage:"));
  g_print ("%s\n\n", _("One matrix product (M×K)·(K×N) on one GPU: its FLOPs (2·M·K·N), the bytes it\n"
                       "must move at least (both inputs read once, the output written once), its\n"
                       "arithmetic intensity, and whether the GPU's compute or its memory limits it."));
  g_print ("  --m M, --k K, --n N   %s\n", _("the dimensions (whole numbers from 1 to 16777216)"));
  g_print ("  --gpu ID              %s\n", _("a GPU of 'under-the-hood catalog gpus'"));
  g_print ("  --dtype DTYPE         %s\n", _("fp32, tf32, bf16, fp16, fp8, int8 or int4 (default bf16)"));
  g_print ("  --engine ID           %s\n", _("efficiency profile (default tuned; roofline is the ideal)"));
  g_print ("  --json                %s\n", _("print one JSON object in SI units"));
}

/* The product as the core's roofline sees it: B (K×N) is the weight, A the activations. */
static void
gemm_op (guint64  m,
         guint64  k,
         guint64  n,
         UthDtype dtype,
         UthOp   *op)
{
  double bytes = uth_dtype_bytes (dtype);

  memset (op, 0, sizeof *op);
  op->id = "gemm";
  op->kind = UTH_OP_GEMM;
  op->group = UTH_OP_GROUP_OTHER;
  op->m = m;
  op->k = k;
  op->n = n;
  op->count = 1;
  op->repeat = 1.0;
  op->flops = 2.0 * (double) m * (double) k * (double) n;
  op->weight_bytes = (double) k * (double) n * bytes;
  op->act_read_bytes = (double) m * (double) k * bytes;
  op->act_write_bytes = (double) m * (double) n * bytes;
  op->kernels = 1.0;
  op->layer = -1;
  op->rows = (double) m;
}

static const char *
bound_text (UthBound bound)
{
  switch (bound)
    {
    case UTH_BOUND_COMPUTE:  return _("compute-bound");
    case UTH_BOUND_MEMORY:   return _("memory-bound");
    case UTH_BOUND_OVERHEAD: return _("bound by kernel launch overhead");
    default:                 return uth_bound_id (bound);
    }
}

static void
print_text (const UthGpuEntry    *gpu,
            const UthEngineEntry *engine,
            UthDtype              dtype,
            const UthOp          *op,
            double                ridge,
            const UthOpTime      *t)
{
  g_autofree char *flops = uth_cli_format_flops (op->flops);
  g_autofree char *bytes = uth_cli_format_bytes (uth_op_bytes (op));
  g_autofree char *peak = uth_cli_format_rate (uth_gpu_peak_flops (&gpu->spec, dtype), "FLOP");
  g_autofree char *bw = uth_cli_format_rate (gpu->spec.memory_bandwidth, "B");
  g_autofree char *seconds = uth_cli_format_seconds (t->seconds);
  g_autofree char *compute = uth_cli_format_seconds (t->compute_seconds);
  g_autofree char *memory = uth_cli_format_seconds (t->memory_seconds);
  g_autofree char *line = NULL;
  double b = uth_dtype_bytes (dtype);

  g_print (_("(%" PRIu64 " × %" PRIu64 ") · (%" PRIu64 " × %"
             PRIu64 ") in %s on %s, engine %s\n"),
           op->m, op->k, op->k, op->n, uth_dtype_id (dtype), gpu->name, engine->name);
  line = g_strdup_printf ("2 × %" PRIu64 " × %" PRIu64 " × %" PRIu64
                          " = %.4g (%s)", op->m, op->k, op->n, op->flops, flops);
  uth_cli_print_row (0, LABEL_WIDTH, _("FLOPs"), line);
  g_free (line);
  line = g_strdup_printf ("(%" PRIu64 "·%" PRIu64 " + %" PRIu64 "·%"
                          PRIu64 " + %" PRIu64 "·%" PRIu64 ") × %g B"
                          " = %.0f (%s)", op->m, op->k, op->k, op->n, op->m, op->n, b,
                          uth_op_bytes (op), bytes);
  uth_cli_print_row (0, LABEL_WIDTH, _("Bytes moved"), line);
  g_free (line);
  line = g_strdup_printf (_("%.5g FLOP/byte"), uth_op_intensity (op));
  uth_cli_print_row (0, LABEL_WIDTH, _("Intensity"), line);
  g_free (line);
  line = g_strdup_printf (_("%s ÷ %s = %.4g FLOP/byte"), peak, bw, ridge);
  uth_cli_print_row (0, LABEL_WIDTH, _("Ridge point"), line);
  g_free (line);
  line = g_strdup_printf (_("%s (compute %s, memory %s)"), seconds, compute, memory);
  uth_cli_print_row (0, LABEL_WIDTH, _("Time"), line);
  uth_cli_print_row (0, LABEL_WIDTH, _("Bound"), bound_text (t->bound));
}

static void
print_json (const UthOp     *op,
            double           ridge,
            const UthOpTime *t)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  uth_cli_json_add_number (b, "flops", op->flops);
  uth_cli_json_add_number (b, "bytes", uth_op_bytes (op));
  uth_cli_json_add_number (b, "intensity", uth_op_intensity (op));
  uth_cli_json_add_number (b, "ridge_intensity", ridge);
  uth_cli_json_add_string (b, "bound", uth_bound_id (t->bound));
  uth_cli_json_add_number (b, "seconds", t->seconds);
  json_builder_end_object (b);
  uth_cli_json_print (b);
}

static gboolean
parse (int       *argc,
       char    ***argv,
       GemmText  *t,
       guint64    dims[3],
       UthDtype  *dtype,
       GError   **error)
{
  const UthCliOption options[] = {
    { "--m", &t->m, NULL },
    { "--k", &t->k, NULL },
    { "--n", &t->n, NULL },
    { "--gpu", &t->gpu, NULL },
    { "--dtype", &t->dtype, NULL },
    { "--engine", &t->engine, NULL },
    { "--json", NULL, &t->json },
  };
  const char *names[] = { "--m", "--k", "--n" };
  char *texts[3];

  if (!uth_cli_take_options (argc, argv, options, G_N_ELEMENTS (options), error) ||
      !uth_cli_expect_no_more (*argc, *argv, error))
    return FALSE;

  texts[0] = t->m;
  texts[1] = t->k;
  texts[2] = t->n;
  for (guint i = 0; i < 3; i++)
    {
      if (texts[i] == NULL)
        {
          g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE, _("%s is required"), names[i]);
          return FALSE;
        }
      if (!uth_cli_parse_uint (names[i], texts[i], 1, MAX_DIM, &dims[i], error))
        return FALSE;
    }
  if (t->gpu == NULL)
    {
      g_set_error (error, UTH_CLI_ERROR, UTH_CLI_ERROR_USAGE,
                   _("%s is required; list the ids with: under-the-hood catalog %s"), "--gpu", "gpus");
      return FALSE;
    }
  *dtype = UTH_DTYPE_BF16;
  return t->dtype == NULL || uth_cli_parse_dtype ("--dtype", t->dtype, TRUE, dtype, error);
}

int
uth_cli_gemm (int    argc,
              char **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GemmText) t = { NULL };
  const UthGpuEntry *gpu;
  const UthEngineEntry *engine;
  UthCatalog *catalog;
  guint64 dims[3];
  UthDtype dtype;
  UthOp op;
  UthOpTime time;
  double ridge;

  if (uth_cli_wants_help (argc, argv))
    {
      print_usage ();
      return 0;
    }
  if (!parse (&argc, &argv, &t, dims, &dtype, &error))
    return uth_cli_fail (g_steal_pointer (&error));

  catalog = uth_catalog_get_default ();
  gpu = uth_cli_find_gpu (catalog, t.gpu, &error);
  if (gpu == NULL)
    return uth_cli_fail (g_steal_pointer (&error));
  engine = uth_cli_find_engine (catalog, t.engine != NULL ? t.engine : "tuned", &error);
  if (engine == NULL)
    return uth_cli_fail (g_steal_pointer (&error));

  gemm_op (dims[0], dims[1], dims[2], dtype, &op);
  /* The hardware's ridge point (peak ÷ bandwidth), as on a roofline chart; the bound comes
   * from the engine's achievable fractions of both. */
  ridge = uth_roofline_ridge (&gpu->spec, dtype);
  time = uth_roofline_op_time (&op, &gpu->spec, &engine->spec, dtype);

  if (t.json)
    print_json (&op, ridge, &time);
  else
    print_text (gpu, engine, dtype, &op, ridge, &time);
  return 0;
}
