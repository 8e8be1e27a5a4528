package compoundgraph.gephicheck;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.EdgeMergeStrategy;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Imports one GraphML or GEXF file exactly as Gephi desktop's File > Open does (the toolkit's importers and
 * its default processor, "append to new workspace") and prints the resulting graph as JSON on stdout:
 * {@code {"merge": ..., "nodes": {id: {label, attrs}}, "edges": [{id, source, target, label, kind, attrs}],
 * "issues": [...]}}.
 *
 * <p>Usage: {@code Main FILE [MERGE]}, MERGE one of Gephi's edge merge strategies (SUM, AVG, MAX, MIN, FIRST,
 * LAST, NO_MERGE); without it the import keeps Gephi's default, as a user who clicks OK would.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1 || argv.length > 2) {
            System.err.println("usage: Main FILE [SUM|AVG|MAX|MIN|FIRST|LAST|NO_MERGE]");
            System.exit(2);
        }
        // Gephi logs through java.util.logging and prints importer chatter on stdout: keep stdout for JSON.
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);

        ProjectController pc = Lookup.getDefault().lookup(ProjectController.class);
        pc.newProject();
        Workspace workspace = pc.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(new File(argv[0]));
        if (container == null) {
            System.err.println("gephi-check: Gephi found no importer for " + argv[0]);
            System.exit(1);
        }
        if (argv.length == 2) {
            container.getLoader().setEdgesMergeStrategy(EdgeMergeStrategy.valueOf(argv[1]));
        }
        String merge = String.valueOf(container.getUnloader().getEdgesMergeStrategy());
        importer.process(container, new DefaultProcessor(), workspace);

        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Graph graph = model.getGraph();
        StringBuilder json = new StringBuilder(1 << 16);
        json.append("{\"merge\":").append(str(merge)).append(",\"nodes\":{");
        boolean first = true;
        for (Node n : graph.getNodes()) {
            if (!first) json.append(',');
            first = false;
            json.append(str(String.valueOf(n.getId()))).append(":{\"label\":").append(str(n.getLabel()));
            json.append(",\"attrs\":");
            attrs(json, n, model.getNodeTable());
            json.append('}');
        }
        json.append("},\"edges\":[");
        first = true;
        for (Edge e : graph.getEdges()) {
            if (!first) json.append(',');
            first = false;
            json.append("{\"id\":").append(str(String.valueOf(e.getId())));
            json.append(",\"source\":").append(str(String.valueOf(e.getSource().getId())));
            json.append(",\"target\":").append(str(String.valueOf(e.getTarget().getId())));
            json.append(",\"label\":").append(str(e.getLabel()));
            json.append(",\"kind\":").append(str(String.valueOf(e.getTypeLabel())));
            json.append(",\"weight\":").append(e.getWeight());
            json.append(",\"attrs\":");
            attrs(json, e, model.getEdgeTable());
            json.append('}');
        }
        json.append("],\"issues\":[");
        first = true;
        for (java.util.Iterator<Issue> it = container.getReport().getIssues(Integer.MAX_VALUE); it.hasNext(); ) {
            Issue issue = it.next();
            if (!first) json.append(',');
            first = false;
            json.append(str(issue.getLevel() + ": " + issue.getMessage()));
        }
        json.append("]}");
        out.println(json);
        out.flush();
        System.exit(0);  // the toolkit leaves non-daemon threads behind
    }

    private static void attrs(StringBuilder json, org.gephi.graph.api.Element element,
                              org.gephi.graph.api.Table table) {
        json.append('{');
        boolean first = true;
        for (Column c : table) {
            if (c.isProperty()) continue;  // id, label, weight, timeset: reported apart
            Object v = element.getAttribute(c);
            if (v == null) continue;
            if (!first) json.append(',');
            first = false;
            json.append(str(c.getTitle())).append(':').append(str(v.toString()));
        }
        // the timeline: an edge's (or node's) intervals, as Gephi's Timeline filter sees them
        Object times = element.getAttribute("timeset");
        if (times != null) {
            if (!first) json.append(',');
            json.append("\"timeset\":").append(str(times.toString()));
        }
        json.append('}');
    }

    private static String str(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
                    else b.append(ch);
                }
            }
        }
        return b.append('"').toString();
    }
}
