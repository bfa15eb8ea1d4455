/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "render/uth-analysis-data.h"

static void
analysis_clear (gpointer data)
{
  UthAnalysis *self = data;

  g_free (self->page_id);
  g_free (self->model_note);
  g_free (self->models);
  g_free (self->gpus);
  g_free (self->measured);
  g_clear_pointer (&self->text, uth_text_analysis_free);
  g_clear_pointer (&self->forward, uth_forward_data_free);
  g_clear_pointer (&self->softmax, uth_softmax_data_free);
  g_clear_pointer (&self->generation, uth_generation_run_free);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_pointer (&self->bytes, g_hash_table_unref);
  if (self->owner_free != NULL && self->owner != NULL)
    self->owner_free (self->owner);
}

UthAnalysis *
uth_analysis_new (const char *page_id)
{
  UthAnalysis *self = g_atomic_rc_box_new0 (UthAnalysis);

  self->page_id = g_strdup (page_id);
  self->labels = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->bytes = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
  return self;
}

UthAnalysis *
uth_analysis_ref (UthAnalysis *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
uth_analysis_unref (UthAnalysis *self)
{
  g_atomic_rc_box_release_full (self, analysis_clear);
}

const char *
uth_analysis_token_label (const UthAnalysis *self,
                          guint32            id)
{
  const char *label = self != NULL ? g_hash_table_lookup (self->labels, GUINT_TO_POINTER (id)) : NULL;

  return label != NULL ? label : "?";
}

GBytes *
uth_analysis_token_bytes (const UthAnalysis *self,
                          guint32            id)
{
  return self != NULL ? g_hash_table_lookup (self->bytes, GUINT_TO_POINTER (id)) : NULL;
}

void
uth_analysis_set_label (UthAnalysis *self,
                        guint32      id,
                        char        *label,
                        GBytes      *bytes)
{
  g_hash_table_replace (self->labels, GUINT_TO_POINTER (id), label);
  if (bytes != NULL)
    g_hash_table_replace (self->bytes, GUINT_TO_POINTER (id), bytes);
}

guint
uth_analysis_measured (const UthAnalysis        *self,
                       UthReferencePhase         phase,
                       const UthMeasuredMatch  **out,
                       guint                     max)
{
  guint n = 0;

  if (self == NULL)
    return 0;
  for (guint i = 0; i < self->n_measured && n < max; i++)
    if (phase == UTH_REFERENCE_N_PHASES || self->measured[i].point->phase == phase)
      out[n++] = &self->measured[i];
  return n;
}

void
uth_text_analysis_free (UthTextAnalysis *text)
{
  g_free (text->text);
  g_clear_pointer (&text->ids, g_array_unref);
  g_free (text->tokenizer.name);
  for (guint i = 0; i < G_N_ELEMENTS (text->frames); i++)
    {
      g_free (text->frames[i].ids);
      g_free (text->frames[i].bytes);
    }
  g_free (text);
}

void
uth_forward_data_free (UthForwardData *fwd)
{
  g_free (fwd->source);
  g_free (fwd->ids);
  g_free (fwd->embeddings);
  g_free (fwd->positions);
  g_free (fwd->q);
  g_free (fwd->k);
  g_free (fwd->v);
  g_free (fwd->out);
  g_free (fwd->scores);
  g_free (fwd->weights);
  g_free (fwd->residual_norms);
  g_free (fwd->logits);
  g_free (fwd->angles);
  g_free (fwd->table);
  g_free (fwd->head_patterns);
  g_free (fwd->pattern_hint);
  g_free (fwd);
}

void
uth_softmax_data_free (UthSoftmaxData *data)
{
  g_free (data->logits);
  g_free (data->probs);
  g_free (data->plain);
  g_free (data);
}

void
uth_generation_run_free (UthGenerationRun *run)
{
  g_clear_pointer (&run->prompt, g_array_unref);
  g_clear_pointer (&run->generated, g_array_unref);
  g_free (run);
}
