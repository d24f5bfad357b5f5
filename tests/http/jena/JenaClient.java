// Apache Jena as a SPARQL client: runs one query against an endpoint and prints what it got.
// Usage: java JenaClient.java ENDPOINT select|ask|construct QUERY
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.ResultSet;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.sparql.exec.http.QueryExecutionHTTP;

public class JenaClient {
    public static void main(String[] args) {
        try (QueryExecution execution = QueryExecutionHTTP.service(args[0]).query(args[2]).build()) {
            switch (args[1]) {
                case "select" -> {
                    ResultSet results = execution.execSelect();
                    int rows = 0;
                    while (results.hasNext()) {
                        results.next();
                        rows++;
                    }
                    System.out.println("rows " + rows + " vars " + String.join(",", results.getResultVars()));
                }
                case "ask" -> System.out.println("ask " + execution.execAsk());
                case "construct" -> {
                    Model model = execution.execConstruct();
                    System.out.println("triples " + model.size());
                }
                default -> throw new IllegalArgumentException("select, ask or construct");
            }
        }
    }
}
