/**
 * The AWS SDK prints, once per process on Node older than 22, a nine-line notice that its releases
 * after the first week of January 2027 will need Node 22. Node 24 (the images, CI's second pass)
 * never gets it; on Node 20 we switch off that one notice with the SDK's own setting, so it does
 * not bury the service's first log lines. Every other warning still reaches the terminal, and an
 * explicit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED in the environment wins. Call it
 * before creating an SDK client (the notice is printed when a client is built).
 */
export function quietAwsSdkNodeNotice(env: NodeJS.ProcessEnv = process.env): void {
  if (Number(process.versions.node.split('.')[0]) < 22)
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
