export { renderTemplate, TEMPLATE_NAMES, type MailContext, type RenderedMail, type TemplateData, type TemplateDataMap, type TemplateName } from './render-template';
export { portalLinkFor, PORTAL_ROUTES, type PortalLink } from './portal-links';
