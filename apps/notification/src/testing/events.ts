import { createHash, randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { EmailChanged, InstitutionRegistered, InvoiceIssued, type Contract, type IntegrationEvent } from '@lsc/contracts';

/** Builds a contract-valid integration event (envelope + data). */
export function eventOf<C extends Contract>(contract: C, data: object, eventId: string = randomUUID()): IntegrationEvent {
  const d = data as { institutionId?: string };
  return { eventId, type: contract.type, schemaVersion: contract.schemaVersion, streamId: d.institutionId ?? eventId, occurredAt: new Date().toISOString(), correlationId: 'notification-test', data } as IntegrationEvent;
}

/** A fresh institution with a unique, short (≤ 30 chars, as identity enforces) address. */
export function newInstitution(domain = 'lib.example.cn') {
  const institutionId = randomUUID();
  const email = `i${randomUUID().slice(0, 8)}@${domain}`;
  const name = `测试图书馆${institutionId.slice(0, 4)}`;
  return { institutionId, email, name, registered: eventOf(InstitutionRegistered, { ...InstitutionRegistered.example, institutionId, email, name, registeredAt: new Date().toISOString() }) };
}

export function emailChanged(institutionId: string, previousEmail: string, email: string): IntegrationEvent {
  return eventOf(EmailChanged, { institutionId, previousEmail, email, changedAt: new Date().toISOString() });
}

/** A PDF-looking and an XML document with their real sha256, as billing would put them in the event. */
export function invoiceDocuments(invoiceNumber: string, pdfBytes = 64 * 1024) {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(randomUUID()), Buffer.alloc(pdfBytes, 0x41)]);
  const xml = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<EInvoice><Header><EIid>${invoiceNumber}</EIid></Header></EInvoice>`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  return {
    pdf,
    xml,
    documents: [
      { format: 'pdf', documentId: `invoices/${invoiceNumber}.pdf`, contentType: 'application/pdf', sha256: sha(pdf), size: pdf.length, contentBase64: pdf.toString('base64') },
      { format: 'xml', documentId: `invoices/${invoiceNumber}.xml`, contentType: 'application/xml', sha256: sha(xml), size: xml.length, contentBase64: xml.toString('base64') },
    ],
  };
}

export function invoiceIssued(institutionId: string, pdfBytes?: number) {
  const invoiceNumber = `2611${Array.from({ length: 16 }, () => Math.floor(Math.random() * 10)).join('')}`;
  const docs = invoiceDocuments(invoiceNumber, pdfBytes);
  return { ...docs, invoiceNumber, event: eventOf(InvoiceIssued, { ...InvoiceIssued.example, invoiceId: randomUUID(), invoiceNumber, institutionId, documents: docs.documents }) };
}

export async function publish(producer: Producer, topic: string, ...events: IntegrationEvent[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(e) })) });
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}
