/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "catalog/uth-catalog.h"
#include "fuzz.h"

/* The same bytes as a models, a GPUs and an engines catalog, then every lookup. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(UthCatalog) catalog = uth_catalog_new ();

  for (guint kind = UTH_CATALOG_MODELS; kind <= UTH_CATALOG_ENGINES; kind++)
    {
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) near = NULL;

      uth_catalog_load_bytes (catalog, kind, bytes, "fuzz.json", TRUE, warnings, &error);
      near = uth_catalog_suggest (catalog, kind, "llama-3-8b", 3);
    }
  for (guint i = 0; i < uth_catalog_get_n_models (catalog); i++)
    (void) uth_model_params (&uth_catalog_get_model (catalog, i)->spec);
  return 0;
}
