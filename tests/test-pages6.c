/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The How LLMs work pages in-process: the text typed on one page is the scenario's and
 * every page's, the controls reach the figures, the keys step, and all finalize. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "pages/uth-page-attention.h"
#include "pages/uth-page-embed.h"
#include "pages/uth-page-generation.h"
#include "pages/uth-page-position.h"
#include "pages/uth-page-shapes.h"
#include "pages/uth-page-softmax.h"
#include "pages/uth-page-tokens.h"
#include "uth-scenario.h"
#include "widgets/uth-figure.h"
#include "widgets/uth-formula-button.h"

static void
flush_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_child (GtkWidget  *root,
            const char *id)
{
  const char *own = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (own != NULL && g_str_equal (own, id))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, id);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
show_page (GType        type,
           const char  *id,
           UthScenario *scenario)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (type, "id", id, NULL);

  g_object_ref_sink (page);
  uth_page_set_scenario (UTH_PAGE (page), scenario);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  flush_main_loop ();
  /* Where UthWindow puts the focus on a page it shows (GTK's own first pick is the first
   * focusable widget: the text field, which keeps the arrow keys). */
  uth_page_focus_content (UTH_PAGE (page));
  flush_main_loop ();
  return page;
}

static void
close_page (GtkWidget *page)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (page));

  gtk_window_destroy (GTK_WINDOW (window));
  flush_main_loop ();
  g_assert_finalize_object (page);
}

static UthScenario *
new_scenario (void)
{
  UthScenario *scenario = uth_scenario_new (NULL);

  uth_scenario_set_model_id (scenario, "llama-3.1-8b");
  uth_scenario_set_gpu_id (scenario, "h100-sxm");
  uth_scenario_set_text (scenario, "The cat sat on the mat.");
  flush_main_loop ();
  return scenario;
}

static void
press (GtkWidget *page,
       guint      keyval)
{
  /* Through the page's own key controller, as a key press reaches it. */
  {
    GListModel *controllers = gtk_widget_observe_controllers (page);
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
        if (GTK_IS_EVENT_CONTROLLER_KEY (c))
          {
            gboolean handled = FALSE;
            g_signal_emit_by_name (c, "key-pressed", keyval, 0, 0, &handled);
            g_assert_true (handled);
          }
      }
    g_object_unref (controllers);
  }
  flush_main_loop ();
}

/* Text typed on one page reaches the scenario and the other pages' entries. */
static void
test_shared_text (void)
{
  g_autoptr(UthScenario) scenario = new_scenario ();
  GtkWidget *tokens = show_page (UTH_TYPE_PAGE_TOKENS, "tokens", scenario);
  GtkWidget *embed = show_page (UTH_TYPE_PAGE_EMBED, "embed", scenario);
  GtkWidget *a = find_child (tokens, "text_entry");
  GtkWidget *b = find_child (embed, "text_entry");

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (a)), ==, "The cat sat on the mat.");
  gtk_editable_set_text (GTK_EDITABLE (a), "Hello there");
  flush_main_loop ();
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpstr (uth_scenario_get_text (scenario), ==, "Hello there");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (b)), ==, "Hello there");
  close_page (tokens);
  close_page (embed);
}

static void
test_tokens (void)
{
  g_autoptr(UthScenario) scenario = new_scenario ();
  GtkWidget *page = show_page (UTH_TYPE_PAGE_TOKENS, "tokens", scenario);
  const UthTokensView *view = uth_page_tokens_get_view (UTH_PAGE_TOKENS (page));
  GtkWidget *spin = find_child (page, "step_spin");
  int start;

  /* "The cat sat on the mat." has 23 characters and, with GPT-2's tokenizer (the page's
   * default), 7 tokens (464 3797 3332 319 262 2603 13, from gpt-3-encoder's own encoder):
   * the formula shows the division. */
  g_assert_cmpstr (uth_formula_button_get_substituted (UTH_FORMULA_BUTTON (find_child (page, "ratio_formula"))),
                   ==, "23 ÷ 7 = 3.29");

  /* The step-through starts halfway and the arrow keys move it. */
  g_assert_cmpint (view->step, >, 0);
  start = view->step;
  press (page, GDK_KEY_Right);
  g_assert_cmpint (view->step, ==, start + 1);
  press (page, GDK_KEY_Left);
  press (page, GDK_KEY_Left);
  g_assert_cmpint (view->step, ==, start - 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, start - 1);
  /* Space plays; the page stops cleanly when closed while playing. */
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (find_child (page, "play_button"))), ==,
                   "media-playback-start-symbolic");
  press (page, GDK_KEY_space);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_child (page, "play_button"))));
  /* While playing, the button shows what a click does: pause. */
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (find_child (page, "play_button"))), ==,
                   "media-playback-pause-symbolic");
  /* GPT-2's tokenizer is the default, named in the view the figure draws; the app's own
   * (its button) is used until the reader goes back to GPT-2 (its button, or NULL). */
  {
    UthTokenizer *own = uth_tokenizer_get_default ();
    UthTokenizer *gpt2 = uth_tokenizer_get_gpt2 ();

    g_assert_nonnull (gpt2);
    g_assert_true (view->tokenizer == gpt2);
    g_signal_emit_by_name (find_child (page, "default_button"), "clicked");
    g_assert_true (view->tokenizer == own);
    g_signal_emit_by_name (find_child (page, "gpt2_button"), "clicked");
    g_assert_true (view->tokenizer == gpt2);
    uth_page_tokens_set_tokenizer (UTH_PAGE_TOKENS (page), own);
    g_assert_true (view->tokenizer == own);
    uth_page_tokens_set_tokenizer (UTH_PAGE_TOKENS (page), NULL);
    g_assert_true (view->tokenizer == gpt2);
  }
  close_page (page);
}

static void
test_position_attention_softmax (void)
{
  g_autoptr(UthScenario) scenario = new_scenario ();
  GtkWidget *position = show_page (UTH_TYPE_PAGE_POSITION, "position", scenario);
  GtkWidget *attention = show_page (UTH_TYPE_PAGE_ATTENTION, "attention", scenario);
  GtkWidget *softmax = show_page (UTH_TYPE_PAGE_SOFTMAX, "softmax", scenario);
  const UthPositionView *pv = uth_page_position_get_view (UTH_PAGE_POSITION (position));
  const UthAttentionView *av = uth_page_attention_get_view (UTH_PAGE_ATTENTION (attention));
  const UthSoftmaxView *sv = uth_page_softmax_get_view (UTH_PAGE_SOFTMAX (softmax));

  /* θ is set as a power of ten. */
  gtk_range_set_value (GTK_RANGE (find_child (position, "theta_scale")), 5.0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_child (position, "dims_spin")), 32);
  flush_main_loop ();
  g_assert_cmpfloat_with_epsilon (pv->theta, 100000.0, 1e-6);
  g_assert_cmpuint (pv->dims, ==, 32);

  /* The arrow keys step the position the circles show, wrapping at the ends. */
  {
    /* The controls above read the position spin: the last token, 8 of "The cat sat on
     * the mat." in 9 tokens. */
    int last = pv->position;

    g_assert_cmpint (last, >, 1);
    press (position, GDK_KEY_Right);
    g_assert_cmpint (pv->position, ==, 0);      /* past the last: the first */
    press (position, GDK_KEY_Left);
    g_assert_cmpint (pv->position, ==, last);   /* and back */
    press (position, GDK_KEY_space);            /* playing while the page closes */
  }

  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_child (attention, "head_drop")), 2);
  flush_main_loop ();
  g_assert_cmpuint (av->head, ==, 2);

  /* Softmax's temperature is the scenario's. */
  gtk_range_set_value (GTK_RANGE (find_child (softmax, "temperature_scale")), 0.5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_child (softmax, "topk_spin")), 3);
  flush_main_loop ();
  g_assert_cmpfloat_with_epsilon (uth_scenario_get_temperature (scenario), 0.5, 1e-9);
  g_assert_cmpuint (sv->top_k, ==, 3);
  uth_scenario_set_temperature (scenario, 1.5);
  uth_scenario_flush (scenario);
  flush_main_loop ();
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (find_child (softmax, "temperature_scale"))), 1.5, 1e-9);
  close_page (position);
  close_page (attention);
  close_page (softmax);
}

static void
test_generation (void)
{
  g_autoptr(UthScenario) scenario = new_scenario ();
  GtkWidget *page = show_page (UTH_TYPE_PAGE_GENERATION, "generation", scenario);
  UthPageGeneration *gen = UTH_PAGE_GENERATION (page);
  const UthGenerationView *view = uth_page_generation_get_view (gen);
  guint start = view->steps;

  /* The decode step is explained against weights ÷ bandwidth. */
  g_assert_nonnull (strstr (uth_formula_button_get_substituted (UTH_FORMULA_BUTTON (find_child (page, "step_formula"))),
                            "÷"));
  press (page, GDK_KEY_Right);
  g_assert_cmpuint (view->steps, ==, start + 1);
  press (page, GDK_KEY_Left);
  g_assert_cmpuint (view->steps, ==, start);
  press (page, GDK_KEY_space);
  g_assert_true (uth_page_generation_get_playing (gen));
  press (page, GDK_KEY_space);
  g_assert_false (uth_page_generation_get_playing (gen));
  /* The Greedy rule sets the scenario's temperature to 0; Top-k sets k. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_child (page, "rule_drop")), 0);
  flush_main_loop ();
  g_assert_cmpfloat (uth_scenario_get_temperature (scenario), ==, 0.0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_child (page, "rule_drop")), 2);
  flush_main_loop ();
  g_assert_cmpuint (view->top_k, ==, 10);
  g_assert_cmpfloat (uth_scenario_get_temperature (scenario), ==, 1.0);
  /* Closing while playing stops the timer. */
  uth_page_generation_set_playing (gen, TRUE);
  close_page (page);
}

static void
test_shapes_embed (void)
{
  g_autoptr(UthScenario) scenario = new_scenario ();
  GtkWidget *page = show_page (UTH_TYPE_PAGE_SHAPES, "shapes", scenario);
  GtkWidget *embed = show_page (UTH_TYPE_PAGE_EMBED, "embed", scenario);
  UthPageShapes *shapes = UTH_PAGE_SHAPES (page);
  UthFigureContext ctx;

  g_assert_cmpint (uth_page_shapes_get_phase (shapes), ==, 0);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_child (page, "decode_button")), TRUE);
  flush_main_loop ();
  g_assert_cmpint (uth_page_shapes_get_phase (shapes), ==, 1);
  /* Export carries the page's phase and selection. */
  uth_page_shapes_select (shapes, 11);
  uth_page_get_figure (UTH_PAGE (page), &ctx);
  g_assert_cmpint (ctx.phase, ==, 1);
  g_assert_cmpint (((const UthShapesView *) ctx.page_data)->selected, ==, 11);
  /* A click on a shape selects it (the figure's item-activated). */
  g_signal_emit_by_name (find_child (page, "figure"), "item-activated", 3);
  g_assert_cmpint (uth_page_shapes_get_view (shapes)->selected, ==, 3);
  close_page (page);
  close_page (embed);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/pages6/shared-text", test_shared_text);
  g_test_add_func ("/pages6/tokens", test_tokens);
  g_test_add_func ("/pages6/position-attention-softmax", test_position_attention_softmax);
  g_test_add_func ("/pages6/generation", test_generation);
  g_test_add_func ("/pages6/shapes-embed", test_shapes_embed);
  return g_test_run ();
}
