/*
 * main.c - the negsamp program: dispatches to a subcommand.
 */
#include "cli.h"

#include <string.h>

static void usage(FILE *f) {
    fprintf(f,
            "negsamp " NS_VERSION_STRING " - embeddings trained with negative sampling\n\n"
            "usage: negsamp COMMAND [options]   (negsamp COMMAND --help for its options)\n\n"
            "training:\n"
            "  skipgram         word vectors, skip-gram with negative sampling\n"
            "  cbow             word vectors, CBOW with negative sampling\n"
            "  pairs-train      left/right item vectors from 'left<TAB>right' pairs\n"
            "  rec-train        user/item vectors from 'user item [rating] [time]' lines\n"
            "  kg-train         entity/relation vectors from 'head<TAB>relation<TAB>tail'\n"
            "  graph-train      node vectors from an edge list (DeepWalk, node2vec, LINE)\n"
            "query and evaluation (on .vec, .bin or .model files):\n"
            "  nn               nearest neighbours by cosine\n"
            "  analogy          a : b :: c : ?\n"
            "  eval-analogy     accuracy on a questions-words file (3CosAdd, 3CosMul)\n"
            "  eval-similarity  Spearman correlation with human similarity scores\n"
            "  vectors          the vector of every word read from stdin (subwords: any word)\n"
            "  eval-ll          held-out log-likelihood of a word model (.model)\n"
            "  pairs-eval       Recall@K and MRR of a pair model on held-out pairs\n"
            "  rec-eval         Recall, NDCG, HR@K and MRR of a recommender, full ranking\n"
            "  recommend        top items for users of a recommender\n"
            "  kg-eval          filtered MR, MRR, Hits@1/3/10 of a knowledge-graph model\n"
            "  kg-predict       top entities for (head, relation, ?) or (?, relation, tail)\n"
            "  graph-eval       node classification (Micro/Macro-F1) and link prediction (AUC)\n"
            "  graph-split      remove edges for link prediction, the residual graph connected\n"
            "theory checks:\n"
            "  pmi              learned scores against empirical PMI (offset -ln k)\n"
            "  false-negatives  how often sampled negatives share the positive's class\n"
            "other:\n"
            "  help             this text\n"
            "  version          the version\n");
}

static int cmd_skipgram(int argc, char **argv) { return cmd_train(NS_TASK_SKIPGRAM, argc, argv); }
static int cmd_cbow(int argc, char **argv) { return cmd_train(NS_TASK_CBOW, argc, argv); }

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"skipgram", cmd_skipgram},          {"cbow", cmd_cbow},
    {"nn", cmd_nn},                      {"analogy", cmd_analogy},
    {"eval-analogy", cmd_eval_analogy},  {"eval-similarity", cmd_eval_similarity},
    {"vectors", cmd_vectors},
    {"eval-ll", cmd_eval_ll},            {"pairs-train", cmd_pairs_train},
    {"pairs-eval", cmd_pairs_eval},      {"pmi", cmd_pmi},
    {"false-negatives", cmd_false_negatives}, {"rec-train", cmd_rec_train},
    {"rec-eval", cmd_rec_eval},          {"recommend", cmd_recommend},
    {"kg-train", cmd_kg_train},          {"kg-eval", cmd_kg_eval},
    {"kg-predict", cmd_kg_predict},      {"graph-train", cmd_graph_train},
    {"graph-eval", cmd_graph_eval},      {"graph-split", cmd_graph_split},
};

static int find_command(const char *name) {
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name)) return (int)i;
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *c = argv[1];
    int i = find_command(c);
    if (i >= 0) return commands[i].run(argc - 1, argv + 1);
    if (!strcmp(c, "help") || !strcmp(c, "-h") || !strcmp(c, "--help")) {
        if (argc > 2 && (i = find_command(argv[2])) >= 0) {
            char *sub[3] = {argv[2], "--help", NULL};
            return commands[i].run(2, sub);
        }
        usage(stdout);
        return 0;
    }
    if (!strcmp(c, "version") || !strcmp(c, "--version")) {
        printf("negsamp %s\n", NS_VERSION_STRING);
        return 0;
    }
    fprintf(stderr, "negsamp: unknown command '%s'\n\n", c);
    usage(stderr);
    return EXIT_USAGE;
}
