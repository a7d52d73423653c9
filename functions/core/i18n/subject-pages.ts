import { CONSEQUENCE } from '../domain/mail';

/**
 * The strings of the pages behind the mailed links a subject follows from the privacy center (/verify, /download),
 * spread into the catalogues (en.ts, es.ts). What confirming does is said in the verification mail too: the English
 * here is the mail's own words (domain/mail.ts CONSEQUENCE), so the page and the mail cannot drift apart.
 */
export const subjectPagesEn = {
  'pages.link.unusable.title': 'This link cannot be used',
  'pages.link.unusable': 'This link is invalid, has expired, or has already been used.',
  'pages.verify.title': 'Confirm your privacy request',
  'pages.verify.intro': 'Someone asked us to act on the personal data linked to this email address.',
  'pages.verify.notMe': 'If it was not you, press "This was not me" and nothing will happen.',
  'pages.verify.confirm': 'Yes, it was me — confirm',
  'pages.verify.cancel': 'This was not me',
  'pages.verify.again': 'If you still want to make a request, please submit it again.',
  'pages.verify.cancelled.title': 'Request cancelled',
  'pages.verify.cancelled':
    'Thank you for telling us. Nothing will be done, and we have not kept your address with it.',
  'pages.verify.confirmed.title': 'Thank you — your request is confirmed',
  'pages.verify.confirmed': 'We are now working on it. You will get an email with a download link when it is ready.',
  'pages.consequence.access': CONSEQUENCE.access,
  'pages.consequence.portability': CONSEQUENCE.portability,
  'pages.consequence.categories': CONSEQUENCE.categories,
  'pages.consequence.disclosures': CONSEQUENCE.disclosures,
  'pages.consequence.deletion': CONSEQUENCE.deletion,
  'pages.consequence.correction': CONSEQUENCE.correction,
  'pages.consequence.restriction': CONSEQUENCE.restriction,
  'pages.consequence.objection': CONSEQUENCE.objection,
  'pages.consequence.opt_out': CONSEQUENCE.opt_out,
  'pages.consequence.limit_sensitive': CONSEQUENCE.limit_sensitive,
  'pages.consequence.withdraw_consent': CONSEQUENCE.withdraw_consent,
  'pages.download.title': 'Your document is ready',
  'pages.download.intro': 'The download link works once. The files hold personal data; keep them somewhere safe.',
  'pages.download.button': 'Download',
  'pages.download.files.title': 'Your files',
  'pages.download.files':
    'Each button works once, for the next 15 minutes. The files hold personal data: keep them somewhere safe.',
  'pages.download.file.json': 'Download the JSON file (for computers)',
  'pages.download.file.html': 'Download the readable page (HTML)',
  'pages.download.file.zip': 'Download the archive (JSON and CSV, zip)',
  'pages.appeal.title': 'Appeal our decision',
  'pages.appeal.intro':
    'We declined your request ({right}; reference {id}). Tell us why you disagree; a member of our privacy team will review the decision and write to you.',
  'pages.appeal.reason': 'Why you disagree',
  'pages.appeal.send': 'Send my appeal',
  'pages.appeal.recorded.title': 'Thank you — your appeal is recorded',
  'pages.appeal.recorded': 'Its reference is {id}. We will write to you with the decision and the reasons for it.',
  'pages.appeal.once': 'An appeal can be made once, while the link works.',
} as const;

export const subjectPagesEs: Record<keyof typeof subjectPagesEn, string> = {
  'pages.link.unusable.title': 'Este enlace no se puede usar',
  'pages.link.unusable': 'Este enlace no es válido, ha caducado o ya se usó.',
  'pages.verify.title': 'Confirme su solicitud de privacidad',
  'pages.verify.intro':
    'Alguien nos pidió que actuáramos sobre los datos personales ligados a esta dirección de correo.',
  'pages.verify.notMe': 'Si no fue usted, pulse «No fui yo» y no pasará nada.',
  'pages.verify.confirm': 'Sí, fui yo: confirmar',
  'pages.verify.cancel': 'No fui yo',
  'pages.verify.again': 'Si aún quiere hacer una solicitud, envíela de nuevo.',
  'pages.verify.cancelled.title': 'Solicitud cancelada',
  'pages.verify.cancelled': 'Gracias por avisarnos. No se hará nada, y no hemos guardado su dirección con ella.',
  'pages.verify.confirmed.title': 'Gracias: su solicitud está confirmada',
  'pages.verify.confirmed':
    'Ya estamos trabajando en ella. Recibirá un correo con un enlace de descarga cuando esté lista.',
  'pages.consequence.access':
    'Al confirmar, enviaremos a este buzón, como enlace de descarga, una copia de los datos personales que tenemos de esta dirección.',
  'pages.consequence.portability':
    'Al confirmar, enviaremos a este buzón, como enlace de descarga, los datos personales que usted nos dio, en archivos JSON y CSV dentro de un archivo comprimido.',
  'pages.consequence.categories':
    'Al confirmar, enviaremos a este buzón una relación de las categorías de datos personales que tenemos, de dónde proceden, para qué las usamos y a quién las comunicamos.',
  'pages.consequence.disclosures':
    'Al confirmar, enviaremos a este buzón la relación de terceros a los que comunicamos información personal para su propia publicidad directa el año natural anterior.',
  'pages.consequence.deletion':
    'Al confirmar, borraremos para siempre los datos personales que tenemos de esta dirección en todos los sistemas, salvo lo que la ley nos obliga a conservar; el justificante dirá qué se conservó y por qué. No se puede deshacer.',
  'pages.consequence.correction':
    'Al confirmar, cambiaremos los datos que pidió corregir en todos los sistemas que los tienen y avisaremos a quienes se los comunicamos; la respuesta dirá qué se cambió y dónde, y por qué algo no se pudo cambiar.',
  'pages.consequence.restriction':
    'Al confirmar, marcaremos sus datos personales como limitados en todos los sistemas que los tienen: los conservaremos pero no los usaremos, y le avisaremos antes de levantar la limitación.',
  'pages.consequence.objection':
    'Al confirmar, registraremos su oposición en todos los sistemas que tienen sus datos personales y avisaremos a quienes se los comunicamos.',
  'pages.consequence.opt_out':
    'Al confirmar, registraremos su baja en todos los sistemas que tienen sus datos personales y avisaremos a quienes se los comunicamos.',
  'pages.consequence.limit_sensitive':
    'Al confirmar, limitaremos el uso de su información personal sensible a lo que la ley permite, en todos los sistemas que la tienen, y avisaremos a quienes se la comunicamos.',
  'pages.consequence.withdraw_consent':
    'Al confirmar, registraremos que retiró su consentimiento en todos los sistemas que se basan en él y avisaremos a quienes tratan sus datos con esa finalidad.',
  'pages.download.title': 'Su documento está listo',
  'pages.download.intro':
    'El enlace de descarga solo funciona una vez. Los archivos contienen datos personales: guárdelos en un lugar seguro.',
  'pages.download.button': 'Descargar',
  'pages.download.files.title': 'Sus archivos',
  'pages.download.files':
    'Cada botón funciona una vez, durante los próximos 15 minutos. Los archivos contienen datos personales: guárdelos en un lugar seguro.',
  'pages.download.file.json': 'Descargar el archivo JSON (para ordenadores)',
  'pages.download.file.html': 'Descargar la página legible (HTML)',
  'pages.download.file.zip': 'Descargar el archivo comprimido (JSON y CSV, zip)',
  'pages.appeal.title': 'Recurrir nuestra decisión',
  'pages.appeal.intro':
    'Denegamos su solicitud ({right}; referencia {id}). Díganos por qué no está de acuerdo; alguien de nuestro equipo de privacidad revisará la decisión y le escribirá.',
  'pages.appeal.reason': 'Por qué no está de acuerdo',
  'pages.appeal.send': 'Enviar mi recurso',
  'pages.appeal.recorded.title': 'Gracias: su recurso está registrado',
  'pages.appeal.recorded': 'Su referencia es {id}. Le escribiremos con la decisión y sus motivos.',
  'pages.appeal.once': 'Solo se puede recurrir una vez, mientras el enlace funcione.',
};
