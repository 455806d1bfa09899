import DRPCore
import DRPProtocol
import DRPServer
import Foundation

/// `drp call`: sends JSON-RPC requests to a running `drp serve` and prints the results.
struct CallCommand: Command {
  let name = "call"
  let summary = "call a method of a running `drp serve` (or several, read from stdin)"
  let usage = """
    usage: drp call <method> [PARAMS-JSON] [--connect ADDR] [--token T] [--timeout S]
           drp call [-] [--connect ADDR] ...      (requests from stdin, one per line)

    Prints the result as one JSON line. Progress notifications go to stderr as JSON lines, except
    the text deltas of `generate` with "stream": true, which are written to stdout as they arrive
    (followed by a newline, then the result line). An error reply prints its message and exits 1.
    Stdin lines are `method PARAMS-JSON` or whole JSON-RPC request objects; empty lines and
    lines starting with # are skipped; every result is printed; exit 1 if any request failed.
      --connect ADDR   host:port, tcp:host:port, tcp://host:port, unix:/path or a socket path (default: env
                       DRP_CONNECT, else the config's server.unix, else server.tcp)
      --token T        authenticate first (env DRP_SERVER_TOKEN)
      --timeout S      seconds to wait for each reply (default 300)
    """
  let options: [OptionSpec] = [.value("connect"), .value("token"), .value("timeout")]

  func run(_ context: CommandContext) throws {
    let positionals = context.arguments.positionals
    guard positionals.count <= 2 else { throw UsageError(description: "unexpected argument '\(positionals[2])'") }
    let timeout = try context.arguments.int("timeout", default: 300, in: 1...86_400)
    let environment = ProcessInfo.processInfo.environment
    let client: RPCClient
    let address = try address(context, environment)
    do {
      client = try RPCClient(
        connectingTo: address, timeout: .seconds(timeout),
        token: context.arguments.value("token") ?? environment["DRP_SERVER_TOKEN"])
    } catch {
      throw RuntimeError(description: "cannot connect to \(address): \(error)")
    }
    defer { client.close() }
    guard let method = positionals.first, method != "-" else {
      guard positionals.count <= 1 else { throw UsageError(description: "'-' takes no params argument") }
      try runScript(client, context)
      return
    }
    let params = try parseParams(positionals.count == 2 ? positionals[1] : "{}")
    try perform(RPCRequest(id: .int(1), method: method, params: params), client, context)
  }

  private func address(_ context: CommandContext, _ environment: [String: String]) throws -> String {
    if let explicit = context.arguments.value("connect") ?? environment["DRP_CONNECT"], !explicit.isEmpty {
      return explicit
    }
    if let unix = context.config.server.unix { return "unix:" + unix }
    if let tcp = context.config.server.tcp { return tcp }
    throw UsageError(description: "no server address: give --connect ADDR or set DRP_CONNECT")
  }

  private func parseParams(_ text: String) throws -> [String: JSONValue] {
    let value: JSONValue
    do {
      value = try JSONParser().parse(text)
    } catch {
      throw UsageError(description: "params are not valid JSON: \(error)")
    }
    guard let members = value.object else { throw UsageError(description: "params must be a JSON object") }
    return members
  }

  /// Sends `request`, streams its notifications and prints its result.
  /// - Throws: `RuntimeError` with the server's message for an error reply.
  private func perform(_ request: RPCRequest, _ client: RPCClient, _ context: CommandContext) throws {
    let streaming = request.params["stream"]?.bool == true
    var streamed = false
    try client.send(request)
    guard let id = request.id else { return }
    let deadline = ContinuousClock.now + client.timeout
    while true {
      let message: JSONValue
      do {
        message = try client.readMessage(deadline: deadline)
      } catch {
        throw RuntimeError(description: "\(error)")
      }
      if let response = RPCResponse(json: message), response.id == id {
        if streamed { context.stdout.write("\n") }
        switch response.outcome {
        case .success(let result): context.stdout.line(JSONWriter.string(result))
        case .failure(let error): throw RuntimeError(description: error.description)
        }
        return
      }
      guard let notification = RPCNotification(json: message) else { continue }
      if streaming, notification.method == "progress", let delta = notification.params["delta"]?.string {
        context.stdout.write(delta)
        streamed = true
      } else {
        context.stderr.line(JSONWriter.string(notification.params))
      }
    }
  }

  /// Runs the requests read from stdin in order.
  private func runScript(_ client: RPCClient, _ context: CommandContext) throws {
    var failures = 0
    var number: Int64 = 0
    while let raw = readLine(strippingNewline: true) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      number += 1
      do {
        try perform(try request(line, number: number), client, context)
      } catch let error as RuntimeError {
        context.stderr.line("drp: error: \(error)")
        failures += 1
      } catch let error as UsageError {
        context.stderr.line("drp: error: line \(number): \(error)")
        failures += 1
      }
    }
    if failures > 0 { throw RuntimeError(description: "\(failures) request(s) failed") }
  }

  /// A request from a stdin line: a JSON-RPC object (sent as given) or `method PARAMS-JSON`.
  private func request(_ line: String, number: Int64) throws -> RPCRequest {
    if line.hasPrefix("{") {
      do {
        return try RPCRequest(json: try JSONParser().parse(line))
      } catch {
        throw UsageError(description: "not a JSON-RPC request: \(error)")
      }
    }
    let parts = line.split(separator: " ", maxSplits: 1)
    let params = try parseParams(parts.count == 2 ? String(parts[1]) : "{}")
    return RPCRequest(id: .int(number), method: String(parts[0]), params: params)
  }
}
