/**
 * The demo's own settings, in a module of their own so that the demo imports it first: ES modules run their imports
 * before their own body, and the functions' logger reads its level when it is created, during those imports.
 * - The demo prints its own story; the functions' INFO lines would drown it (`npm run dev` shows them).
 * - Node 20 is supported by the twin on purpose; the SDK's notice about its future minimum is noise here.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
